package io.kcdc.streams.codec;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.Ddl;
import io.kcdc.avro.RowOp;
import io.kcdc.streams.model.RowEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@code large-message-handle-compression}: the formats themselves, and where the encoders apply them
 * (docs/output-formats.md#large-messages).
 */
class MessageCompressionTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1639633095489L), ZoneOffset.UTC);
  private static final long COMMIT_TS = 434343434343434343L;

  @Property(tries = 200)
  void everyCodecRoundTrips(@ForAll @Size(max = 300_000) byte[] data) {
    for (MessageCompression c : MessageCompression.values()) {
      assertThat(c.decompress(c.compress(data))).isEqualTo(data);
    }
  }

  @Test
  void snappyIsTheRawBlockFormat() {
    // uvarint length 3, literal tag (len-1)<<2, the bytes: what Go's snappy.Encode writes for "abc"
    assertThat(HexFormat.of().formatHex(MessageCompression.SNAPPY.compress("abc".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("0308616263");
  }

  @Test
  void lz4IsTheFrameFormatWithGosFourMiBBlocks() throws Exception {
    byte[] random = new byte[MessageCompression.LZ4_BLOCK_SIZE + 200_000]; // two blocks, neither compressible
    new Random(7).nextBytes(random);
    byte[] lz4 = MessageCompression.LZ4.compress(random);
    assertThat(HexFormat.of().formatHex(lz4, 0, 4)).isEqualTo("04224d18"); // frame magic 0x184D2204, little endian
    assertThat(lz4[4]).isEqualTo((byte) 0x64); // FLG: version 01, independent blocks, content checksum
    assertThat((lz4[5] >> 4) & 7).isEqualTo(7); // BD: block maximum size 4 MiB
    assertThat(lz4[5] & 0x8f).isZero(); // BD's reserved bits
    // first block stored raw: size word with the high bit set, 4 MiB of plain data
    assertThat(ByteBuffer.wrap(lz4, 7, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt())
        .isEqualTo(0x8000_0000 | MessageCompression.LZ4_BLOCK_SIZE);
    assertThat(MessageCompression.LZ4.decompress(lz4)).isEqualTo(random);
    assertThat(readWithCommonsCompress(lz4)).isEqualTo(random);

    byte[] text = "row-".repeat(1_500_000).getBytes(StandardCharsets.UTF_8); // 6 MB: two compressed blocks
    byte[] small = MessageCompression.LZ4.compress(text);
    assertThat(small.length).isLessThan(100_000);
    assertThat(MessageCompression.LZ4.decompress(small)).isEqualTo(text);
    assertThat(readWithCommonsCompress(small)).isEqualTo(text);

    for (byte[] tiny : List.of(new byte[0], "x".getBytes(StandardCharsets.UTF_8))) {
      byte[] frame = MessageCompression.LZ4.compress(tiny);
      assertThat(MessageCompression.LZ4.decompress(frame)).isEqualTo(tiny);
      assertThat(readWithCommonsCompress(frame)).isEqualTo(tiny);
    }
  }

  /** Another implementation of the frame format (it checks the header and content checksums). */
  private static byte[] readWithCommonsCompress(byte[] frame) throws java.io.IOException {
    try (var in = new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream(
        new java.io.ByteArrayInputStream(frame))) {
      return in.readAllBytes();
    }
  }

  @Test
  void namesAreTiCdcs() {
    assertThat(MessageCompression.of(null)).isEqualTo(MessageCompression.NONE);
    assertThat(MessageCompression.of("")).isEqualTo(MessageCompression.NONE);
    assertThat(MessageCompression.of("LZ4")).isEqualTo(MessageCompression.LZ4);
    assertThat(MessageCompression.of("snappy")).isEqualTo(MessageCompression.SNAPPY);
    assertThatThrownBy(() -> MessageCompression.of("zstd")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MessageCompression.LZ4.decompress(new byte[] {1, 2, 3}))
        .hasMessageStartingWith("[CDC:ErrCompressionFailed]");
  }

  private static EncoderConfig compressed(String codec) {
    return EncoderConfig.defaults().withTidbExtension(true)
        .withLargeMessageHandle(new LargeMessageHandle(LargeMessageHandle.Option.NONE, codec, null, false));
  }

  private static RowEvent insert(long id, String name) {
    return event(testT(100, 1), row(100, 1, 1, COMMIT_TS, RowOp.INSERT, id, values(id, name, 5L), null));
  }

  /** canal-json: the whole value of rows, DDLs and watermarks, as TiCDC's decoder decompresses every value. */
  @Test
  void canalJsonCompressesEveryValue() {
    for (String codec : List.of("lz4", "snappy")) {
      MessageCompression c = MessageCompression.of(codec);
      CanalJsonEncoder plain = new CanalJsonEncoder(compressed("none"), CLOCK);
      CanalJsonEncoder packed = new CanalJsonEncoder(compressed(codec), CLOCK);
      RowEvent row = insert(1, "x".repeat(2_000));
      EncodedMessage m = packed.encodeRow(row);
      assertThat(m.key()).isNull();
      assertThat(c.decompress(m.value())).isEqualTo(plain.encodeRow(row).value());
      assertThat(m.value().length).isLessThan(plain.encodeRow(row).value().length);

      Ddl ddl = new Ddl(100L, 21L, COMMIT_TS, 3, "test", "t", "create table t(id int)");
      assertThat(c.decompress(packed.encodeDdl(ddl).orElseThrow().value()))
          .isEqualTo(plain.encodeDdl(ddl).orElseThrow().value());
      assertThat(c.decompress(packed.encodeCheckpoint(COMMIT_TS).orElseThrow().value()))
          .isEqualTo(plain.encodeCheckpoint(COMMIT_TS).orElseThrow().value());
    }
  }

  /** Large-message checks see the compressed size: a row too large as text fits once compressed. */
  @Test
  void maxMessageBytesCountsCompressedValues() {
    RowEvent row = insert(1, "x".repeat(5_000));
    assertThatThrownBy(() -> new CanalJsonEncoder(compressed("none").withMaxMessageBytes(1_000), CLOCK).encodeRow(row))
        .hasMessageStartingWith("[CDC:ErrMessageTooLarge]");
    EncodedMessage m = new CanalJsonEncoder(compressed("lz4").withMaxMessageBytes(1_000), CLOCK).encodeRow(row);
    assertThat(new String(MessageCompression.LZ4.decompress(m.value()), StandardCharsets.UTF_8))
        .contains("x".repeat(5_000)).doesNotContain("onlyHandleKey");
  }

  /** Open protocol: each row's and each DDL's value inside the batch framing; keys and the framing stay plain. */
  @Test
  void openProtocolCompressesEachValueOfABatch() {
    for (String codec : List.of("lz4", "snappy")) {
      MessageCompression c = MessageCompression.of(codec);
      OpenProtocolEncoder plain = new OpenProtocolEncoder(compressed("none"));
      OpenProtocolEncoder packed = new OpenProtocolEncoder(compressed(codec));
      for (long id = 1; id <= 3; id++) {
        plain.appendRow("t", insert(id, "name-" + id));
        packed.appendRow("t", insert(id, "name-" + id));
      }
      EncodedMessage want = plain.build().get(0);
      List<EncodedMessage> got = packed.build();
      assertThat(got).hasSize(1);
      assertThat(got.get(0).key()).isEqualTo(want.key());
      assertThat(framedValues(got.get(0)).stream().map(c::decompress).toList())
          .usingRecursiveComparison().isEqualTo(framedValues(want));

      Ddl ddl = new Ddl(100L, 21L, COMMIT_TS, 3, "test", "t", "create table t(id int)");
      EncodedMessage ddlMsg = packed.encodeDdl(ddl).orElseThrow();
      assertThat(ddlMsg.key()).isEqualTo(plain.encodeDdl(ddl).orElseThrow().key());
      assertThat(new String(c.decompress(framedValues(ddlMsg).get(0)), StandardCharsets.UTF_8))
          .isEqualTo("{\"q\":\"create table t(id int)\",\"t\":3}");
      assertThat(packed.encodeCheckpoint(COMMIT_TS).orElseThrow().value()).isEqualTo(new byte[8]);
    }
  }

  /** The length-framed values of an open-protocol record. */
  private static List<byte[]> framedValues(EncodedMessage m) {
    ByteBuffer v = ByteBuffer.wrap(m.value());
    List<byte[]> out = new java.util.ArrayList<>();
    while (v.hasRemaining()) {
      byte[] b = new byte[(int) v.getLong()];
      v.get(b);
      out.add(b);
    }
    return out;
  }
}
