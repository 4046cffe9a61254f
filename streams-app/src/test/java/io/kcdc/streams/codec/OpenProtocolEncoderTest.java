package io.kcdc.streams.codec;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.Ddl;
import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ActionType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open protocol framing and JSON, with the size-exact example of docs/output-formats.md#open-protocol
 * (TestMaxMessageBytes).
 */
class OpenProtocolEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long COMMIT_TS = 434343434343434343L; // 18 digits, as in TiCDC's test

  /** {@code create table test.t(a varchar(10) primary key, b varchar(10))}, clustered (common handle). */
  static TableSchema varcharPkTable() {
    ColumnDef a = ColumnDef.newBuilder(column(1, "a", MysqlType.TYPE_VARCHAR, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY,
        MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL)).setFlen(10).build();
    ColumnDef b = ColumnDef.newBuilder(column(2, "b", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0)).setFlen(10).build();
    return TableSchema.newBuilder().setTableId(20).setSchemaVersion(1).setSchemaName("test").setTableName("t")
        .setColumns(List.of(a, b)).setIndexes(List.of()).build();
  }

  static RowEvent insertAaBb() {
    RowChange r = RowChange.newBuilder(row(20, 1, 1, COMMIT_TS, RowOp.INSERT, 0, values("aa", "bb"), null))
        .setKey(ByteBuffer.wrap(TableCodec.recordKey(20, new byte[] {1, 'a', 'a', 0, 0, 0, 0, 0, 0, (byte) 0xf7}))).build();
    return event(varcharPkTable(), r);
  }

  private static OpenProtocolEncoder encoder(EncoderConfig c) {
    return new OpenProtocolEncoder(c);
  }

  @Test
  void maxMessageBytesExampleIsByteExact() {
    String key = "{\"ts\":434343434343434343,\"scm\":\"test\",\"tbl\":\"t\",\"t\":1}";
    String value = "{\"u\":{\"a\":{\"t\":15,\"h\":true,\"f\":10,\"v\":\"aa\"},\"b\":{\"t\":15,\"f\":64,\"v\":\"bb\"}}}";
    assertThat(key).hasSize(54);
    assertThat(value).hasSize(74);

    EncodedMessage m = encoder(EncoderConfig.defaults().withMaxMessageBytes(188)).encodeRow(insertAaBb());
    assertThat(HexFormat.of().formatHex(m.key(), 0, 16)).isEqualTo("0000000000000001" + "0000000000000036");
    assertThat(new String(m.key(), 16, m.key().length - 16, StandardCharsets.UTF_8)).isEqualTo(key);
    assertThat(HexFormat.of().formatHex(m.value(), 0, 8)).isEqualTo("000000000000004a");
    assertThat(new String(m.value(), 8, m.value().length - 8, StandardCharsets.UTF_8)).isEqualTo(value);

    OpenProtocolEncoder tooSmall = encoder(EncoderConfig.defaults().withMaxMessageBytes(187));
    assertThatThrownBy(() -> tooSmall.encodeRow(insertAaBb())).isInstanceOf(EncodeException.class)
        .extracting(e -> ((EncodeException) e).code()).isEqualTo("CDC:ErrMessageTooLarge");
  }

  @Test
  void batchesUpToMaxBatchSizeAndMaxMessageBytes() {
    OpenProtocolEncoder enc = encoder(EncoderConfig.defaults().withMaxBatchSize(2));
    for (int i = 0; i < 5; i++) {
      enc.appendRow("t", insertAaBb());
    }
    List<EncodedMessage> out = enc.build();
    assertThat(out).extracting(m -> rows(m).size()).containsExactly(2, 2, 1);
    assertThat(enc.build()).isEmpty();

    // a one-row record counts 54+74+16+8+36 = 188; TiCDC admits a second row while 188 + (54+74+16+36) fits
    OpenProtocolEncoder bySize = encoder(EncoderConfig.defaults().withMaxMessageBytes(188 + 179));
    for (int i = 0; i < 3; i++) {
      bySize.appendRow("t", insertAaBb());
    }
    assertThat(bySize.build()).extracting(m -> rows(m).size()).containsExactly(1, 1, 1);
    OpenProtocolEncoder fitsTwo = encoder(EncoderConfig.defaults().withMaxMessageBytes(188 + 180));
    for (int i = 0; i < 3; i++) {
      fitsTwo.appendRow("t", insertAaBb());
    }
    List<EncodedMessage> two = fitsTwo.build();
    assertThat(two).extracting(m -> rows(m).size()).containsExactly(2, 1);
    assertThat(two.get(0).length()).isEqualTo(188 + 144); // the check counts 36 overhead per row, the record once
  }

  @Test
  void updateDeleteAndOldValueOptions() {
    TableSchema t = testT(100, 1);
    RowEvent update = event(t, row(100, 1, 1, COMMIT_TS, RowOp.UPDATE, 7, values(7L, "new", 5L), values(7L, "old", 5L)));
    String all = valueJson(encoder(EncoderConfig.defaults()).encodeRow(update));
    assertThat(all).isEqualTo("{\"u\":{\"id\":{\"t\":8,\"h\":true,\"f\":10,\"v\":7},\"name\":{\"t\":15,\"f\":64,\"v\":\"new\"},"
        + "\"u\":{\"t\":3,\"f\":144,\"v\":5}},\"p\":{\"id\":{\"t\":8,\"h\":true,\"f\":10,\"v\":7},"
        + "\"name\":{\"t\":15,\"f\":64,\"v\":\"old\"},\"u\":{\"t\":3,\"f\":144,\"v\":5}}}");
    assertThat(keyJson(encoder(EncoderConfig.defaults()).encodeRow(update)))
        .isEqualTo("{\"ts\":434343434343434343,\"scm\":\"test\",\"tbl\":\"t\",\"rid\":7,\"t\":1}");

    String noOld = valueJson(encoder(EncoderConfig.defaults().withOpenOutputOldValue(false)).encodeRow(update));
    assertThat(noOld).doesNotContain("\"p\"");
    EncoderConfig onlyUpdated = new EncoderConfig(false, true, false, false, EncoderConfig.DEFAULT_MAX_MESSAGE_BYTES);
    assertThat(valueJson(encoder(onlyUpdated).encodeRow(update))).endsWith("\"p\":{\"name\":{\"t\":15,\"f\":64,\"v\":\"old\"}}}");

    RowEvent delete = event(t, row(100, 1, 1, COMMIT_TS, RowOp.DELETE, 7, null, values(7L, null, 4294967295L)));
    assertThat(valueJson(encoder(EncoderConfig.defaults()).encodeRow(delete))).isEqualTo("{\"d\":{\"id\":{\"t\":8,\"h\":true,"
        + "\"f\":10,\"v\":7},\"name\":{\"t\":15,\"f\":64,\"v\":null},\"u\":{\"t\":3,\"f\":144,\"v\":4294967295}}}");
    EncoderConfig deleteKeys = new EncoderConfig(false, false, true, false, EncoderConfig.DEFAULT_MAX_MESSAGE_BYTES);
    assertThat(valueJson(encoder(deleteKeys).encodeRow(delete))).isEqualTo("{\"d\":{\"id\":{\"t\":8,\"h\":true,\"f\":10,\"v\":7}}}");
  }

  @Test
  void valuesOfEveryType() {
    List<ColumnDef> cols = new ArrayList<>();
    List<Object> vals = new ArrayList<>();
    add(cols, vals, "i", MysqlType.TYPE_LONG, 0, -3L);
    add(cols, vals, "ubig", MysqlType.TYPE_LONGLONG, ColumnFlag.UNSIGNED, -1L);
    add(cols, vals, "f", MysqlType.TYPE_FLOAT, 0, 3.14f);
    add(cols, vals, "d", MysqlType.TYPE_DOUBLE, 0, 2.71d);
    add(cols, vals, "tiny_d", MysqlType.TYPE_DOUBLE, 0, 1e-7d);
    add(cols, vals, "dec", MysqlType.TYPE_NEWDECIMAL, 0, "12.50");
    add(cols, vals, "dt", MysqlType.TYPE_DATETIME, 0, "2020-02-20 02:20:20");
    add(cols, vals, "y", MysqlType.TYPE_YEAR, 0, 2020L);
    add(cols, vals, "e", MysqlType.TYPE_ENUM, 0, 1L);
    add(cols, vals, "s", MysqlType.TYPE_SET, 0, 3L);
    add(cols, vals, "bit", MysqlType.TYPE_BIT, 0, 65L);
    add(cols, vals, "j", MysqlType.TYPE_JSON, 0, "{\"k\": \"<v>\"}");
    add(cols, vals, "vb", MysqlType.TYPE_VARCHAR, ColumnFlag.BINARY,
        ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}));
    add(cols, vals, "txt", MysqlType.TYPE_BLOB, 0, ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)));
    add(cols, vals, "blb", MysqlType.TYPE_BLOB, ColumnFlag.BINARY, ByteBuffer.wrap(new byte[] {0, (byte) 0xff}));
    add(cols, vals, "n", MysqlType.TYPE_LONG, ColumnFlag.NULLABLE, null);
    TableSchema t = TableSchema.newBuilder().setTableId(11).setSchemaVersion(1).setSchemaName("test").setTableName("all")
        .setColumns(cols).setIndexes(List.of()).setIsPartition(true).build();
    RowChange r = RowChange.newBuilder(row(11, 1, 1, COMMIT_TS, RowOp.INSERT, 0, vals, null)).setPhysicalTableId(12).build();
    EncodedMessage m = encoder(EncoderConfig.defaults()).encodeRow(event(t, r));
    assertThat(keyJson(m)).isEqualTo("{\"ts\":434343434343434343,\"scm\":\"test\",\"tbl\":\"all\",\"ptn\":12,\"t\":1}");
    assertThat(valueJson(m)).isEqualTo("{\"u\":{"
        + "\"bit\":{\"t\":16,\"f\":0,\"v\":65},"
        + "\"blb\":{\"t\":252,\"f\":1,\"v\":\"AP8=\"},"
        + "\"d\":{\"t\":5,\"f\":0,\"v\":2.71},"
        + "\"dec\":{\"t\":246,\"f\":0,\"v\":\"12.50\"},"
        + "\"dt\":{\"t\":12,\"f\":0,\"v\":\"2020-02-20 02:20:20\"},"
        + "\"e\":{\"t\":247,\"f\":0,\"v\":1},"
        + "\"f\":{\"t\":4,\"f\":0,\"v\":3.14},"
        + "\"i\":{\"t\":3,\"f\":0,\"v\":-3},"
        + "\"j\":{\"t\":245,\"f\":0,\"v\":\"{\\\"k\\\": \\\"\\u003cv\\u003e\\\"}\"},"
        + "\"n\":{\"t\":3,\"f\":64,\"v\":null},"
        + "\"s\":{\"t\":248,\"f\":0,\"v\":3},"
        + "\"tiny_d\":{\"t\":5,\"f\":0,\"v\":1e-7},"
        + "\"txt\":{\"t\":252,\"f\":0,\"v\":\"aGk=\"},"
        + "\"ubig\":{\"t\":8,\"f\":128,\"v\":18446744073709551615},"
        + "\"vb\":{\"t\":15,\"f\":1,\"v\":\"\\\\x89PNG\\\\r\\\\n\\\\x1a\\\\n\"},"
        + "\"y\":{\"t\":13,\"f\":0,\"v\":2020}}}");
  }

  private static void add(List<ColumnDef> cols, List<Object> vals, String name, int type, int flag, Object v) {
    cols.add(column(cols.size() + 1, name, type, flag, (flag & ColumnFlag.UNSIGNED) != 0 ? MysqlFlag.UNSIGNED : 0));
    vals.add(v);
  }

  @Test
  void ddlAndResolvedAreSingleItemMessages() {
    OpenProtocolEncoder enc = encoder(EncoderConfig.defaults());
    assertThat(enc.broadcastDdl()).isTrue();
    EncodedMessage ddl = enc.encodeDdl(new Ddl(20L, 1L, COMMIT_TS, ActionType.CREATE_TABLE, "test", "t",
        "create table t(a int primary key)")).orElseThrow();
    assertThat(keyJson(ddl)).isEqualTo("{\"ts\":434343434343434343,\"scm\":\"test\",\"tbl\":\"t\",\"t\":2}");
    assertThat(valueJson(ddl)).isEqualTo("{\"q\":\"create table t(a int primary key)\",\"t\":3}");

    EncodedMessage resolved = enc.encodeCheckpoint(COMMIT_TS).orElseThrow();
    assertThat(keyJson(resolved)).isEqualTo("{\"ts\":434343434343434343,\"t\":3}");
    assertThat(resolved.value()).isEqualTo(new byte[8]);
  }

  @Test
  void handleKeyOnlyAndClaimCheckForLargeRows(@TempDir Path dir) throws Exception {
    RowEvent big = event(testT(100, 1), row(100, 1, 1, COMMIT_TS, RowOp.INSERT, 7, values(7L, "x".repeat(500), 5L), null));
    LargeMessageHandle keyOnly = new LargeMessageHandle(LargeMessageHandle.Option.HANDLE_KEY_ONLY, null, null, false);
    EncodedMessage m = encoder(EncoderConfig.defaults().withMaxMessageBytes(400).withLargeMessageHandle(keyOnly)).encodeRow(big);
    assertThat(keyJson(m)).isEqualTo("{\"ts\":434343434343434343,\"scm\":\"test\",\"tbl\":\"t\",\"rid\":7,\"t\":1,\"ohk\":true}");
    assertThat(valueJson(m)).isEqualTo("{\"u\":{\"id\":{\"t\":8,\"h\":true,\"f\":10,\"v\":7}}}");
    assertThatThrownBy(() -> encoder(EncoderConfig.defaults().withMaxMessageBytes(100).withLargeMessageHandle(keyOnly))
        .encodeRow(big)).hasMessageStartingWith("[CDC:ErrMessageTooLarge]");

    String uri = dir.toUri().toString().replaceAll("/$", "");
    LargeMessageHandle claim = new LargeMessageHandle(LargeMessageHandle.Option.CLAIM_CHECK, "none", uri, false);
    EncodedMessage cc = encoder(EncoderConfig.defaults().withMaxMessageBytes(400).withLargeMessageHandle(claim)).encodeRow(big);
    JsonNode key = JSON.readTree(keyJson(cc));
    assertThat(key.has("ohk")).isFalse();
    String location = key.get("ccl").asText();
    assertThat(location).startsWith(uri + "/").endsWith(".json");
    assertThat(valueJson(cc)).isEqualTo("{\"u\":{\"id\":{\"t\":8,\"h\":true,\"f\":10,\"v\":7}}}");
    JsonNode stored = JSON.readTree(Files.readAllBytes(dir.resolve(location.substring(uri.length() + 1))));
    EncodedMessage whole = encoder(EncoderConfig.defaults()).encodeRow(big);
    assertThat(Base64.getDecoder().decode(stored.get("key").asText())).isEqualTo(whole.key());
    assertThat(Base64.getDecoder().decode(stored.get("value").asText())).isEqualTo(whole.value());
  }

  /** Splits a batch record into (key JSON, value JSON) pairs, checking the framing. */
  static List<String[]> rows(EncodedMessage m) {
    ByteBuffer k = ByteBuffer.wrap(m.key());
    ByteBuffer v = ByteBuffer.wrap(m.value());
    assertThat(k.getLong()).isEqualTo(1L);
    List<String[]> out = new ArrayList<>();
    while (k.hasRemaining()) {
      byte[] kb = new byte[(int) k.getLong()];
      k.get(kb);
      byte[] vb = new byte[(int) v.getLong()];
      v.get(vb);
      out.add(new String[] {new String(kb, StandardCharsets.UTF_8), new String(vb, StandardCharsets.UTF_8)});
    }
    assertThat(v.hasRemaining()).isFalse();
    return out;
  }

  static String keyJson(EncodedMessage m) {
    return rows(m).get(0)[0];
  }

  static String valueJson(EncodedMessage m) {
    return rows(m).get(0)[1];
  }

  @Test
  void goQuoteOfBinaryStrings() {
    assertThat(GoFormat.quote(new byte[] {'a', '"', '\\', 7, 0x0b, (byte) 0xc3, (byte) 0xa9, (byte) 0xff, 0x7f}))
        .isEqualTo("a\\\"\\\\\\a\\vé\\xff\\x7f");
    assertThat(GoFormat.jsonFloat64(1e21)).isEqualTo("1e+21");
    assertThat(GoFormat.jsonFloat64(123456789.0)).isEqualTo("123456789");
    assertThat(GoFormat.jsonFloat32(1.5e-7f)).isEqualTo("1.5e-7");
    assertThat(GoFormat.percentV(1234567.0, false)).isEqualTo("1.234567e+06");
  }
}
