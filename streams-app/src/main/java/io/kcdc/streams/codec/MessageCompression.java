package io.kcdc.streams.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.Snappy;

/**
 * {@code large-message-handle-compression} (data-path.md §7.4, TiCDC's {@code pkg/compression}): applied to every
 * message value of canal-json, and to every row and DDL value inside an open-protocol batch. {@code snappy} is the
 * raw Snappy block format (Go's {@code snappy.Encode}), {@code lz4} the LZ4 frame format (Go's {@code lz4.NewWriter}).
 */
public enum MessageCompression {
  NONE("none"), SNAPPY("snappy"), LZ4("lz4");

  private static final String FAILED = "CDC:ErrCompressionFailed";
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
        case LZ4 -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 32);
          // 64 KiB blocks instead of Go's 4 MiB: the frame stays standard, and a small message needs no 4 MiB buffer
          try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
              LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
            lz4.write(data);
          }
          yield out.toByteArray();
        }
      };
    } catch (IOException e) {
      throw new EncodeException(FAILED, text + " compression failed: " + e.getMessage(), e);
    }
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
      throw new EncodeException(FAILED, text + " decompression failed: " + e.getMessage(), e);
    }
  }
}
