package io.kcdc.streams.codec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Go's text forms of numbers and bytes that TiCDC's encoders emit: {@code encoding/json} floats, {@code fmt %v}
 * floats, and {@code strconv.Quote} of binary strings. Java's own formatting differs in each case.
 */
final class GoFormat {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GoFormat() {}

  /** {@code encoding/json} of a float64: plain shortest digits, exponent form below 1e-6 or from 1e21 on. */
  static String jsonFloat64(double v) {
    return jsonFloat(Double.toString(v), Math.abs(v), 1e-6, 1e21);
  }

  /** {@code encoding/json} of a float32 (32-bit shortest digits). */
  static String jsonFloat32(float v) {
    return jsonFloat(Float.toString(v), Math.abs(v), 1e-6f, 1e21f);
  }

  private static String jsonFloat(String javaShortest, double abs, double small, double large) {
    if (abs != 0 && (abs < small || abs >= large)) {
      String e = exponent(javaShortest);
      // encoding/json cleans e-09 up to e-9, but keeps e+21
      int n = e.length();
      if (n >= 4 && e.charAt(n - 4) == 'e' && e.charAt(n - 3) == '-' && e.charAt(n - 2) == '0') {
        e = e.substring(0, n - 2) + e.charAt(n - 1);
      }
      return e;
    }
    return plain(javaShortest);
  }

  /** {@code fmt %v} of a float: shortest {@code %g}, exponent form when the exponent is below -4 or at least 6. */
  static String percentV(double v, boolean float32) {
    String s = float32 ? Float.toString((float) v) : Double.toString(v);
    if (v == 0) {
      return s.startsWith("-") ? "-0" : "0";
    }
    BigDecimal d = new BigDecimal(s).stripTrailingZeros();
    int exp = d.precision() - d.scale() - 1;
    return exp < -4 || exp >= 6 ? exponent(s) : plain(s);
  }

  /** {@code strconv.FormatFloat(v, 'f', -1, bits)} from Java's shortest digits. */
  static String plain(String javaShortest) {
    String s = new BigDecimal(javaShortest).stripTrailingZeros().toPlainString();
    return javaShortest.startsWith("-") && s.equals("0") ? "-0" : s;
  }

  /** {@code strconv.FormatFloat(v, 'e', -1, bits)}: {@code d.ddde±XX} with at least two exponent digits. */
  static String exponent(String javaShortest) {
    BigDecimal d = new BigDecimal(javaShortest).stripTrailingZeros();
    String digits = d.unscaledValue().abs().toString();
    int exp = digits.length() - d.scale() - 1;
    StringBuilder sb = new StringBuilder();
    if (d.signum() < 0) {
      sb.append('-');
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      sb.append('0');
    }
    return sb.append(a).toString();
  }

  /** {@code strconv.Quote(string(b))} without the surrounding quotes. */
  static String quote(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length + 8);
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      int width = utf8Width(b, i);
      if (width == 0) {
        sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        i++;
        continue;
      }
      int r = new String(b, i, width, StandardCharsets.UTF_8).codePointAt(0);
      i += width;
      if (r == '"' || r == '\\') {
        sb.append('\\').appendCodePoint(r);
      } else if (isPrint(r)) {
        sb.appendCodePoint(r);
      } else {
        switch (r) {
          case 0x07 -> sb.append("\\a");
          case '\b' -> sb.append("\\b");
          case '\f' -> sb.append("\\f");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          case 0x0b -> sb.append("\\v");
          default -> {
            if (r < ' ' || r == 0x7f) {
              sb.append("\\x").append(HEX[r >> 4]).append(HEX[r & 0xf]);
            } else if (r < 0x10000) {
              sb.append("\\u");
              hex(sb, r, 4);
            } else {
              sb.append("\\U");
              hex(sb, r, 8);
            }
          }
        }
      }
    }
    return sb.toString();
  }

  private static void hex(StringBuilder sb, int v, int digits) {
    for (int s = (digits - 1) * 4; s >= 0; s -= 4) {
      sb.append(HEX[v >> s & 0xf]);
    }
  }

  /** Length of the valid UTF-8 sequence at {@code i}, or 0 when it is invalid (Go decodes it as one error byte). */
  private static int utf8Width(byte[] b, int i) {
    int c = b[i] & 0xff;
    if (c < 0x80) {
      return 1;
    }
    int n;
    int min;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + n > b.length) {
      return 0;
    }
    int r = c & (0xff >> (n + 1));
    for (int k = 1; k < n; k++) {
      int cc = b[i + k] & 0xff;
      if ((cc & 0xc0) != 0x80) {
        return 0;
      }
      r = r << 6 | (cc & 0x3f);
    }
    if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) {
      return 0;
    }
    return n;
  }

  /** Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
  private static boolean isPrint(int r) {
    if (r == ' ') {
      return true;
    }
    return switch (Character.getType(r)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }
}
