package io.kcdc.upstream.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Arithmetic, comparison and truth of SQL values during evaluation. Values are {@code null},
 * {@link Long}, {@link BigDecimal} (exact decimals and unsigned BIGINTs above Long.MAX_VALUE),
 * {@link Double} or {@link String}; mixed string/number operands compare numerically, as in MySQL.
 */
public final class SqlValues {
  /** MySQL's {@code div_precision_increment}. */
  private static final int DIV_PRECISION_INCREMENT = 4;

  private SqlValues() {}

  /** -1/0/1, or {@code null} when either side is NULL. */
  public static Integer compare(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof String sa && b instanceof String sb) {
      return Integer.signum(sa.compareTo(sb));
    }
    Object na = toNumber(a);
    Object nb = toNumber(b);
    if (na instanceof Long la && nb instanceof Long lb) {
      return Long.compare(la, lb);
    }
    if (na instanceof Double || nb instanceof Double) {
      return Double.compare(toDouble(na), toDouble(nb));
    }
    return toDecimal(na).compareTo(toDecimal(nb));
  }

  /** SQL truth: {@code null} for NULL, else non-zero. */
  public static Boolean truth(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    Object n = toNumber(v);
    if (n instanceof Long l) {
      return l != 0;
    }
    if (n instanceof Double d) {
      return d != 0;
    }
    return ((BigDecimal) n).signum() != 0;
  }

  /** Booleans are 1/0 in MySQL. */
  public static Object fromBoolean(Boolean b) {
    return b == null ? null : (b ? 1L : 0L);
  }

  public static Object add(Object a, Object b) {
    return arithmetic('+', a, b);
  }

  public static Object arithmetic(char op, Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    Object na = toNumber(a);
    Object nb = toNumber(b);
    if (op == '/') {
      if (isZero(nb)) {
        return null;
      }
      if (na instanceof Double || nb instanceof Double) {
        return toDouble(na) / toDouble(nb);
      }
      BigDecimal x = toDecimal(na);
      int scale = x.scale() + DIV_PRECISION_INCREMENT;
      return x.divide(toDecimal(nb), Math.max(scale, 0), RoundingMode.HALF_UP);
    }
    if (op == '%' && isZero(nb)) {
      return null;
    }
    if (na instanceof Long la && nb instanceof Long lb) {
      try {
        return switch (op) {
          case '+' -> Math.addExact(la, lb);
          case '-' -> Math.subtractExact(la, lb);
          case '*' -> Math.multiplyExact(la, lb);
          case '%' -> la % lb;
          default -> throw new IllegalArgumentException("operator " + op);
        };
      } catch (ArithmeticException e) {
        throw new SqlException(
            1690, "22003", "BIGINT value is out of range in '(" + la + " " + op + " " + lb + ")'");
      }
    }
    if (na instanceof Double || nb instanceof Double) {
      double x = toDouble(na);
      double y = toDouble(nb);
      return switch (op) {
        case '+' -> x + y;
        case '-' -> x - y;
        case '*' -> x * y;
        case '%' -> x % y;
        default -> throw new IllegalArgumentException("operator " + op);
      };
    }
    BigDecimal x = toDecimal(na);
    BigDecimal y = toDecimal(nb);
    return normalize(
        switch (op) {
          case '+' -> x.add(y);
          case '-' -> x.subtract(y);
          case '*' -> x.multiply(y);
          case '%' -> x.remainder(y, MathContext.DECIMAL128);
          default -> throw new IllegalArgumentException("operator " + op);
        });
  }

  public static Object negate(Object v) {
    return arithmetic('-', 0L, v);
  }

  /** A numeric view: strings are parsed like MySQL does (leading number, else 0). */
  public static Object toNumber(Object v) {
    if (v instanceof Long || v instanceof Double || v instanceof BigDecimal) {
      return v;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof BigInteger bi) {
      return normalize(new BigDecimal(bi));
    }
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    String s = String.valueOf(v).trim();
    int end = numericPrefix(s);
    if (end == 0) {
      return 0L;
    }
    String prefix = s.substring(0, end);
    if (prefix.contains("e") || prefix.contains("E")) {
      return Double.parseDouble(prefix);
    }
    return normalize(new BigDecimal(prefix));
  }

  private static int numericPrefix(String s) {
    int i = 0;
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int digitsStart = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
    }
    if (i == digitsStart || (i == digitsStart + 1 && s.charAt(digitsStart) == '.')) {
      return 0;
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < s.length() && (s.charAt(j) == '-' || s.charAt(j) == '+')) {
        j++;
      }
      int expStart = j;
      while (j < s.length() && Character.isDigit(s.charAt(j))) {
        j++;
      }
      if (j > expStart) {
        i = j;
      }
    }
    return i;
  }

  /** An integral BigDecimal that fits a long becomes a Long. */
  public static Object normalize(BigDecimal d) {
    if (d.scale() <= 0) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        return d.setScale(0);
      }
    }
    return d;
  }

  public static double toDouble(Object n) {
    return ((Number) toNumber(n)).doubleValue();
  }

  public static BigDecimal toDecimal(Object n) {
    Object v = toNumber(n);
    if (v instanceof Long l) {
      return BigDecimal.valueOf(l);
    }
    if (v instanceof Double d) {
      return new BigDecimal(Double.toString(d));
    }
    return (BigDecimal) v;
  }

  private static boolean isZero(Object n) {
    return toDecimal(n).signum() == 0;
  }

  /** The MySQL text protocol form of an evaluated value. */
  public static String toText(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Double d) {
      return formatDouble(d);
    }
    if (v instanceof Float f) {
      return formatDouble(f.doubleValue());
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Boolean b) {
      return b ? "1" : "0";
    }
    return v.toString();
  }

  /** Shortest round-trip form without a trailing {@code .0}, exponent form for large values. */
  static String formatDouble(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e >= 0) {
      String mantissa = s.substring(0, e);
      if (mantissa.endsWith(".0")) {
        mantissa = mantissa.substring(0, mantissa.length() - 2);
      }
      return mantissa + "e" + s.substring(e + 1);
    }
    return s;
  }
}
