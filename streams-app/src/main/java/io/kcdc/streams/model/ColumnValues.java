package io.kcdc.streams.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** TiCDC's {@code model.ColumnValueString} and {@code IsColumnValueEqual} over {@link RowEvent} values. */
public final class ColumnValues {
  private ColumnValues() {}

  /**
   * Text of a value as TiCDC hashes and compares it: {@code null} → "null", integers in decimal (unsigned as
   * uint64), floats in shortest plain notation with their own precision, strings and bytes as raw text.
   */
  public static String toString(Object value, boolean unsigned) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Long l) {
      return unsigned ? Long.toUnsignedString(l) : Long.toString(l);
    }
    if (value instanceof Float f) {
      return plain(Float.toString(f));
    }
    if (value instanceof Double d) {
      return plain(Double.toString(d));
    }
    if (value instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return value.toString();
  }

  /** Go's {@code strconv.FormatFloat(v, 'f', -1, bits)}: shortest digits, never an exponent. */
  static String plain(String javaShortest) {
    switch (javaShortest) {
      case "NaN":
        return "NaN";
      case "Infinity":
        return "+Inf";
      case "-Infinity":
        return "-Inf";
      default:
        break;
    }
    String s = new BigDecimal(javaShortest).stripTrailingZeros().toPlainString();
    return javaShortest.startsWith("-") && s.equals("0") ? "-0" : s;
  }

  /** Whether two values of one column are equal (bytes by content). */
  public static boolean equal(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    return a == null ? b == null : a.equals(b);
  }
}
