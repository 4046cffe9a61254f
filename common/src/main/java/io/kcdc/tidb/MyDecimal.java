package io.kcdc.tidb;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * MySQL's binary decimal format ({@code MyDecimal.WriteBin}/{@code FromBin}): integer and fraction
 * digits in 9-digit words of 4 bytes big endian, leftover digits in the fewest bytes, negative
 * values with every byte inverted, and the first byte's top bit flipped so the bytes sort like the
 * numbers.
 */
public final class MyDecimal {
  private static final int DIGITS_PER_WORD = 9;
  private static final int WORD_SIZE = 4;
  private static final int[] DIG2BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

  private MyDecimal() {}

  /** Bytes {@link #toBin} writes for a {@code DECIMAL(precision, frac)}. */
  public static int binSize(int precision, int frac) {
    int intg = precision - frac;
    return intg / DIGITS_PER_WORD * WORD_SIZE + DIG2BYTES[intg % DIGITS_PER_WORD]
        + frac / DIGITS_PER_WORD * WORD_SIZE + DIG2BYTES[frac % DIGITS_PER_WORD];
  }

  /**
   * Encodes {@code v} rounded half-up to {@code frac} digits.
   *
   * @throws ArithmeticException if the integer part needs more than {@code precision - frac} digits
   */
  public static byte[] toBin(BigDecimal v, int precision, int frac) {
    if (precision <= 0 || frac < 0 || frac > precision) {
      throw new IllegalArgumentException("bad decimal(" + precision + "," + frac + ")");
    }
    int intg = precision - frac;
    BigDecimal abs = v.setScale(frac, RoundingMode.HALF_UP).abs();
    boolean negative = v.setScale(frac, RoundingMode.HALF_UP).signum() < 0;
    String digits = abs.unscaledValue().toString();
    if (digits.length() < frac + 1) {
      digits = "0".repeat(frac + 1 - digits.length()) + digits;
    }
    String intDigits = digits.substring(0, digits.length() - frac).replaceFirst("^0+", "");
    String fracDigits = digits.substring(digits.length() - frac);
    if (intDigits.length() > intg) {
      throw new ArithmeticException(v + " overflows decimal(" + precision + "," + frac + ")");
    }
    intDigits = "0".repeat(intg - intDigits.length()) + intDigits;

    byte[] out = new byte[binSize(precision, frac)];
    int pos = 0;
    int lead = intg % DIGITS_PER_WORD;
    int d = 0;
    if (lead > 0) {
      pos = putWord(out, pos, DIG2BYTES[lead], Integer.parseInt(intDigits.substring(0, lead)));
      d = lead;
    }
    for (; d < intg; d += DIGITS_PER_WORD) {
      pos = putWord(out, pos, WORD_SIZE, Integer.parseInt(intDigits.substring(d, d + DIGITS_PER_WORD)));
    }
    int f = 0;
    for (; f + DIGITS_PER_WORD <= frac; f += DIGITS_PER_WORD) {
      pos = putWord(out, pos, WORD_SIZE, Integer.parseInt(fracDigits.substring(f, f + DIGITS_PER_WORD)));
    }
    if (f < frac) {
      putWord(out, pos, DIG2BYTES[frac - f], Integer.parseInt(fracDigits.substring(f)));
    }
    if (negative) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) ~out[i];
      }
    }
    out[0] ^= (byte) 0x80;
    return out;
  }

  /** Decodes {@link #toBin} at {@code off}; the value has scale {@code frac}. */
  public static Codec.Decoded<BigDecimal> fromBin(byte[] b, int off, int precision, int frac) {
    int size = binSize(precision, frac);
    if (off + size > b.length) {
      throw new IllegalArgumentException("insufficient bytes for decimal(" + precision + "," + frac + ")");
    }
    byte[] buf = java.util.Arrays.copyOfRange(b, off, off + size);
    boolean negative = (buf[0] & 0x80) == 0;
    buf[0] ^= (byte) 0x80;
    if (negative) {
      for (int i = 0; i < buf.length; i++) {
        buf[i] = (byte) ~buf[i];
      }
    }
    int intg = precision - frac;
    StringBuilder digits = new StringBuilder();
    int pos = 0;
    int lead = intg % DIGITS_PER_WORD;
    if (lead > 0) {
      digits.append(pad(getWord(buf, pos, DIG2BYTES[lead]), lead));
      pos += DIG2BYTES[lead];
    }
    for (int d = lead; d < intg; d += DIGITS_PER_WORD) {
      digits.append(pad(getWord(buf, pos, WORD_SIZE), DIGITS_PER_WORD));
      pos += WORD_SIZE;
    }
    int f = 0;
    for (; f + DIGITS_PER_WORD <= frac; f += DIGITS_PER_WORD) {
      digits.append(pad(getWord(buf, pos, WORD_SIZE), DIGITS_PER_WORD));
      pos += WORD_SIZE;
    }
    if (f < frac) {
      digits.append(pad(getWord(buf, pos, DIG2BYTES[frac - f]), frac - f));
    }
    BigInteger unscaled = digits.length() == 0 ? BigInteger.ZERO : new BigInteger(digits.toString());
    BigDecimal value = new BigDecimal(negative ? unscaled.negate() : unscaled, frac);
    return new Codec.Decoded<>(value, off + size);
  }

  /**
   * TiDB's {@code MyDecimal.String()} for a column with {@code frac} fraction digits: plain
   * notation with exactly {@code frac} digits (unspecified frac, -1, keeps the value's own scale).
   */
  public static String format(BigDecimal v, int frac) {
    BigDecimal scaled = frac < 0 ? v : v.setScale(frac, RoundingMode.HALF_UP);
    return scaled.toPlainString();
  }

  private static int putWord(byte[] out, int pos, int size, int value) {
    for (int i = size - 1; i >= 0; i--) {
      out[pos + i] = (byte) value;
      value >>>= 8;
    }
    return pos + size;
  }

  private static int getWord(byte[] b, int pos, int size) {
    int v = 0;
    for (int i = 0; i < size; i++) {
      v = (v << 8) | (b[pos + i] & 0xFF);
    }
    return v;
  }

  private static String pad(int value, int width) {
    String s = Integer.toString(value);
    if (s.length() > width) {
      throw new IllegalArgumentException("corrupt decimal word " + value);
    }
    return "0".repeat(width - s.length()) + s;
  }
}
