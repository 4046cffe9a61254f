package io.kcdc.tidb;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A key range {@code [start, end)} of encoded (memcomparable) keys, as regions and TiCDC spans
 * use them. An empty start means -inf, an empty end means +inf.
 */
public record KeySpan(byte[] start, byte[] end) {

  public KeySpan {
    start = start == null ? new byte[0] : start;
    end = end == null ? new byte[0] : end;
  }

  public boolean contains(byte[] encodedKey) {
    return Arrays.compareUnsigned(encodedKey, start) >= 0
        && (end.length == 0 || Arrays.compareUnsigned(encodedKey, end) < 0);
  }

  /** The overlap of two spans, or null when they do not overlap. */
  public KeySpan intersect(KeySpan other) {
    byte[] s = Arrays.compareUnsigned(start, other.start) >= 0 ? start : other.start;
    byte[] e;
    if (end.length == 0) {
      e = other.end;
    } else if (other.end.length == 0) {
      e = end;
    } else {
      e = Arrays.compareUnsigned(end, other.end) <= 0 ? end : other.end;
    }
    if (e.length != 0 && Arrays.compareUnsigned(s, e) >= 0) {
      return null;
    }
    return new KeySpan(s, e);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySpan k && Arrays.equals(start, k.start) && Arrays.equals(end, k.end);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "[" + hex.formatHex(start) + ", " + (end.length == 0 ? "+inf" : hex.formatHex(end)) + ")";
  }
}
