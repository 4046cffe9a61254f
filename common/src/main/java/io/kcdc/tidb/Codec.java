package io.kcdc.tidb;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * TiDB's memcomparable primitives ({@code pkg/util/codec}): encoded forms sort bytewise in the
 * same order as the values they encode.
 */
public final class Codec {
  private static final int GROUP_SIZE = 8;
  private static final byte MARKER = (byte) 0xFF;
  private static final byte PAD = 0;
  private static final long SIGN_MASK = 0x8000000000000000L;

  private Codec() {}

  /** 8 bytes big endian with the sign bit flipped. */
  public static byte[] encodeInt(long v) {
    return encodeUint(v ^ SIGN_MASK);
  }

  public static long decodeInt(byte[] b, int off) {
    return decodeUint(b, off) ^ SIGN_MASK;
  }

  /** 8 bytes big endian. */
  public static byte[] encodeUint(long v) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }

  public static long decodeUint(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  /** Memcomparable float64: sign bit set for non-negative values, all bits inverted otherwise. */
  public static byte[] encodeFloat(double f) {
    long u = Double.doubleToRawLongBits(f);
    u = f >= 0 ? (u | SIGN_MASK) : ~u;
    return encodeUint(u);
  }

  public static double decodeFloat(byte[] b, int off) {
    long u = decodeUint(b, off);
    u = (u & SIGN_MASK) != 0 ? (u & ~SIGN_MASK) : ~u;
    return Double.longBitsToDouble(u);
  }

  /**
   * Groups of 8 bytes, each followed by {@code 0xFF - padCount}; the last group is zero padded
   * and a full trailing group is always emitted when {@code len % 8 == 0}.
   */
  public static byte[] encodeBytes(byte[] data) {
    int groups = data.length / GROUP_SIZE + 1;
    byte[] out = new byte[groups * (GROUP_SIZE + 1)];
    int o = 0;
    for (int i = 0; i <= data.length; i += GROUP_SIZE) {
      int remain = data.length - i;
      int pad = 0;
      if (remain >= GROUP_SIZE) {
        System.arraycopy(data, i, out, o, GROUP_SIZE);
      } else {
        pad = GROUP_SIZE - remain;
        System.arraycopy(data, i, out, o, remain);
        Arrays.fill(out, o + remain, o + GROUP_SIZE, PAD);
      }
      out[o + GROUP_SIZE] = (byte) (MARKER - pad);
      o += GROUP_SIZE + 1;
    }
    return out;
  }

  /** Result of decoding a prefix of a byte array. */
  public record Decoded<T>(T value, int next) {}

  /** Decodes {@link #encodeBytes} starting at {@code off}; validates markers and padding. */
  public static Decoded<byte[]> decodeBytes(byte[] b, int off) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int o = off;
    while (true) {
      if (o + GROUP_SIZE + 1 > b.length) {
        throw new IllegalArgumentException("insufficient bytes to decode memcomparable bytes at " + o);
      }
      int marker = b[o + GROUP_SIZE] & 0xFF;
      int pad = 0xFF - marker;
      if (pad > GROUP_SIZE) {
        throw new IllegalArgumentException("invalid marker byte " + marker + " at " + (o + GROUP_SIZE));
      }
      int real = GROUP_SIZE - pad;
      out.write(b, o, real);
      for (int i = real; i < GROUP_SIZE; i++) {
        if (b[o + i] != PAD) {
          throw new IllegalArgumentException("invalid padding byte at " + (o + i));
        }
      }
      o += GROUP_SIZE + 1;
      if (pad != 0) {
        return new Decoded<>(out.toByteArray(), o);
      }
    }
  }

  /** Go {@code binary.PutVarint}: zigzag then LEB128. */
  public static void writeVarint(ByteArrayOutputStream out, long v) {
    writeUvarint(out, (v << 1) ^ (v >> 63));
  }

  /** Go {@code binary.PutUvarint}: LEB128. */
  public static void writeUvarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  public static Decoded<Long> readUvarint(byte[] b, int off) {
    long v = 0;
    int shift = 0;
    int o = off;
    while (true) {
      if (o >= b.length || shift > 63) {
        throw new IllegalArgumentException("bad uvarint at " + off);
      }
      int x = b[o++] & 0xFF;
      v |= (long) (x & 0x7F) << shift;
      if (x < 0x80) {
        return new Decoded<>(v, o);
      }
      shift += 7;
    }
  }

  public static Decoded<Long> readVarint(byte[] b, int off) {
    Decoded<Long> u = readUvarint(b, off);
    long x = u.value();
    return new Decoded<>((x >>> 1) ^ -(x & 1), u.next());
  }
}
