package io.kcdc.streams.codec;

import static io.kcdc.common.errors.CdcError.COMPRESSION_FAILED;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.Snappy;

/**
 * {@code large-message-handle-compression} (docs/output-formats.md#large-messages, TiCDC's {@code pkg/compression}):
 * applied to every message value of canal-json, and to every row and DDL value inside an open-protocol batch.
 * {@code snappy} is the raw Snappy block format (Go's {@code snappy.Encode}), {@code lz4} the LZ4 frame format as
 * Go's {@code lz4.NewWriter} (pierrec/lz4 v4) writes it by default: 4 MiB independent blocks, no block checksums, a
 * content checksum.
 */
public enum MessageCompression {
  NONE("none"), SNAPPY("snappy"), LZ4("lz4");

  private static final int LZ4_MAGIC = 0x184D2204;
  /** Block maximum size 4 MiB: the BD byte's bits 6-4 hold 7. */
  static final int LZ4_BLOCK_SIZE = 4 << 20;
  /** FLG: version 01, independent blocks, content checksum; no block checksums, content size or dictionary. */
  private static final byte LZ4_FLG = 0b0110_0100;
  private static final byte LZ4_BD = 7 << 4;
  private static final int LZ4_UNCOMPRESSED = 0x8000_0000;
  private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
  private static final XXHash32 XXHASH32 = XXHashFactory.fastestInstance().hash32();
  private final String text;

  MessageCompression(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** Parses TiCDC's names; null or empty means {@code none}. */
  public static MessageCompression of(String s) {
    if (s == null || s.isEmpty()) {
      return NONE;
    }
    for (MessageCompression c : values()) {
      if (c.text.equals(s.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException("large-message-handle-compression " + s + " is not supported");
  }

  /** The compressed form of {@code data}; {@code data} itself for {@code none}. */
  public byte[] compress(byte[] data) {
    try {
      return switch (this) {
        case NONE -> data;
        case SNAPPY -> Snappy.compress(data);
        case LZ4 -> lz4Frame(data);
      };
    } catch (IOException e) {
      throw new EncodeException(COMPRESSION_FAILED, text + " compression failed: " + e.getMessage(), e);
    }
  }

  /**
   * One LZ4 frame of {@code data} (lz4 frame format 1.6.x): written here rather than with lz4-java's
   * {@code LZ4FrameOutputStream}, which allocates a whole 4 MiB block buffer and its compressed bound for every
   * message; this one allocates only what the message needs. A block that does not shrink is stored raw.
   */
  private static byte[] lz4Frame(byte[] data) {
    int blocks = (data.length + LZ4_BLOCK_SIZE - 1) / LZ4_BLOCK_SIZE;
    int bound = 7 + 4 + 4; // magic, FLG, BD, HC; end mark; content checksum
    for (int off = 0; off < data.length; off += LZ4_BLOCK_SIZE) {
      bound += 4 + LZ4_COMPRESSOR.maxCompressedLength(Math.min(LZ4_BLOCK_SIZE, data.length - off));
    }
    ByteBuffer out = ByteBuffer.allocate(bound).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(LZ4_MAGIC).put(LZ4_FLG).put(LZ4_BD);
    out.put((byte) (XXHASH32.hash(new byte[] {LZ4_FLG, LZ4_BD}, 0, 2, 0) >>> 8)); // header checksum
    for (int b = 0; b < blocks; b++) {
      int off = b * LZ4_BLOCK_SIZE;
      int len = Math.min(LZ4_BLOCK_SIZE, data.length - off);
      int sizeAt = out.position();
      int dataAt = sizeAt + 4;
      int compressed = LZ4_COMPRESSOR.compress(data, off, len, out.array(), dataAt, out.capacity() - dataAt);
      if (compressed < len) {
        out.putInt(sizeAt, compressed).position(dataAt + compressed);
      } else {
        out.putInt(sizeAt, len | LZ4_UNCOMPRESSED).position(dataAt);
        out.put(data, off, len);
      }
    }
    out.putInt(0); // end mark
    out.putInt(XXHASH32.hash(data, 0, data.length, 0));
    return Arrays.copyOf(out.array(), out.position());
  }

  /** The original bytes of a {@link #compress}ed value (what a consumer does). */
  public byte[] decompress(byte[] data) {
    try {
      return switch (this) {
        case NONE -> data;
        case SNAPPY -> Snappy.uncompress(data);
        case LZ4 -> {
          try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(data))) {
            yield in.readAllBytes();
          }
        }
      };
    } catch (IOException e) {
      throw new EncodeException(COMPRESSION_FAILED, text + " decompression failed: " + e.getMessage(), e);
    }
  }
}
