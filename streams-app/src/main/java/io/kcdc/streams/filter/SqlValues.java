package io.kcdc.streams.filter;

import io.kcdc.avro.ColumnDef;
import io.kcdc.tidb.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a {@link ValueExpression} computes with, and MySQL's rules for comparing and combining them
 * (TiDB's defaults: {@code div_precision_increment = 4}, new collations, no {@code PIPES_AS_CONCAT}).
 *
 * <p>A value is {@code null} (SQL NULL), {@link Long} or {@link BigInteger} (integers; BigInteger only outside the
 * long range, e.g. large BIGINT UNSIGNED), {@link BigDecimal} (DECIMAL and exact literals like {@code 1.5}),
 * {@link Double} (FLOAT, DOUBLE, literals with an exponent), {@link Text} (strings with their collation),
 * {@link Temporal} (DATE, DATETIME, TIMESTAMP, TIME) or {@link Enumerated} (ENUM and SET).
 */
final class SqlValues {
  private SqlValues() {}

  /** How strings compare: {@code binary} by bytes, {@code *_bin} by code point, others case-insensitively. */
  enum Collation {
    BINARY, BIN, CI;

    static Collation of(String name, boolean binaryCharset) {
      if (binaryCharset || name == null || name.equalsIgnoreCase("binary")) {
        return BINARY;
      }
      return name.toLowerCase(Locale.ROOT).endsWith("_bin") ? BIN : CI;
    }
  }

  /** A string; a binary string holds its bytes as ISO-8859-1 characters. */
  record Text(String value, Collation collation) {
    /** A literal: TiDB's connection collation {@code utf8mb4_bin}. */
    static Text literal(String value) {
      return new Text(value, Collation.BIN);
    }

    byte[] bytes() {
      return value.getBytes(collation == Collation.BINARY ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
  }

  /**
   * A DATE, DATETIME or TIMESTAMP as {@code YYYY-MM-DD HH:MM:SS.ffffff} (a DATE at midnight, {@code date} set), or a
   * TIME as signed microseconds in {@code micros} ({@code text} null).
   */
  record Temporal(String text, long micros, boolean isTime, boolean date) {
    static Temporal datetime(String canonical, boolean date) {
      return new Temporal(canonical, 0, false, date);
    }

    static Temporal time(long micros) {
      return new Temporal(null, micros, true, false);
    }
  }

  /** An ENUM (its element and 1-based index) or SET (its elements joined by commas and its bits). */
  record Enumerated(String name, long number, Collation collation) {}

  static final Long TRUE = 1L;
  static final Long FALSE = 0L;

  static Long bool(boolean b) {
    return b ? TRUE : FALSE;
  }

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  /** MySQL's div_precision_increment default: digits added to the dividend's scale by {@code /}. */
  private static final int DIV_PRECISION_INCREMENT = 4;
  private static final Pattern NUMBER_PREFIX = Pattern.compile("^[ \\t\\n\\r]*([+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?)");
  private static final Pattern DATETIME = Pattern.compile(
      "^\\s*(\\d{1,4})-(\\d{1,2})-(\\d{1,2})(?:[ T](\\d{1,2}):(\\d{1,2})(?::(\\d{1,2})(?:\\.(\\d{0,6})\\d*)?)?)?\\s*$");
  private static final Pattern TIME = Pattern.compile("^\\s*(-)?(\\d+):(\\d{1,2})(?::(\\d{1,2})(?:\\.(\\d{0,6})\\d*)?)?\\s*$");

  static Object integer(BigInteger v) {
    return v.compareTo(LONG_MIN) >= 0 && v.compareTo(LONG_MAX) <= 0 ? (Object) v.longValue() : v;
  }

  /** A mounted column value (see {@code io.kcdc.tidb.MountedValue}) as an expression value of the column's type. */
  static Object ofColumn(Object v, ColumnDef col, boolean unsigned, boolean binary) {
    if (v == null) {
      return null;
    }
    int tp = col.getType();
    switch (tp) {
      case MysqlType.TYPE_TINY, MysqlType.TYPE_SHORT, MysqlType.TYPE_LONG, MysqlType.TYPE_LONGLONG,
          MysqlType.TYPE_INT24, MysqlType.TYPE_YEAR, MysqlType.TYPE_BIT -> {
        long l = (Long) v;
        boolean u = unsigned || tp == MysqlType.TYPE_BIT;
        return u && l < 0 ? new BigInteger(Long.toUnsignedString(l)) : (Object) l;
      }
      case MysqlType.TYPE_FLOAT -> {
        return v instanceof Float f ? (double) f : ((Number) v).doubleValue();
      }
      case MysqlType.TYPE_DOUBLE -> {
        return ((Number) v).doubleValue();
      }
      case MysqlType.TYPE_DECIMAL, MysqlType.TYPE_NEWDECIMAL -> {
        return new BigDecimal(v.toString());
      }
      case MysqlType.TYPE_DATE, MysqlType.TYPE_NEWDATE, MysqlType.TYPE_DATETIME, MysqlType.TYPE_TIMESTAMP -> {
        String canonical = canonicalDatetime(v.toString());
        boolean date = tp == MysqlType.TYPE_DATE || tp == MysqlType.TYPE_NEWDATE;
        return canonical == null ? Text.literal(v.toString()) : Temporal.datetime(canonical, date);
      }
      case MysqlType.TYPE_DURATION -> {
        Long micros = timeMicros(v.toString());
        return micros == null ? Text.literal(v.toString()) : Temporal.time(micros);
      }
      case MysqlType.TYPE_ENUM, MysqlType.TYPE_SET -> {
        return enumerated((Long) v, col, tp == MysqlType.TYPE_SET);
      }
      default -> {
        Collation c = Collation.of(col.getCollation(), binary);
        if (v instanceof byte[] b) {
          return new Text(new String(b, c == Collation.BINARY ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8), c);
        }
        return new Text(v.toString(), c);
      }
    }
  }

  private static Enumerated enumerated(long number, ColumnDef col, boolean set) {
    List<String> elems = col.getElems().stream().map(Object::toString).toList();
    Collation c = Collation.of(col.getCollation(), false);
    if (!set) {
      String name = number >= 1 && number <= elems.size() ? elems.get((int) number - 1) : "";
      return new Enumerated(name, number, c);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < elems.size() && i < 64; i++) {
      if ((number & (1L << i)) != 0) {
        sb.append(sb.length() == 0 ? "" : ",").append(elems.get(i));
      }
    }
    return new Enumerated(sb.toString(), number, c);
  }

  /** {@code YYYY-MM-DD HH:MM:SS.ffffff} for a date or datetime text, or null if it is neither. */
  static String canonicalDatetime(String s) {
    Matcher m = DATETIME.matcher(s);
    if (!m.matches()) {
      return null;
    }
    String frac = m.group(7) == null ? "" : m.group(7);
    return String.format("%04d-%02d-%02d %02d:%02d:%02d.%s", Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
        m.group(5) == null ? 0 : Integer.parseInt(m.group(5)), m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
        (frac + "000000").substring(0, 6));
  }

  /** Signed microseconds of a {@code [-]H:MM[:SS[.f]]} text, or null. */
  static Long timeMicros(String s) {
    Matcher m = TIME.matcher(s);
    if (!m.matches()) {
      return null;
    }
    long seconds = Long.parseLong(m.group(2)) * 3600 + Long.parseLong(m.group(3)) * 60
        + (m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
    String frac = m.group(5) == null ? "" : m.group(5);
    long micros = seconds * 1_000_000 + Long.parseLong((frac + "000000").substring(0, 6));
    return m.group(1) != null ? -micros : micros;
  }

  // ---- conversions ----

  static boolean isExact(Object v) {
    return v instanceof Long || v instanceof BigInteger || v instanceof BigDecimal;
  }

  static boolean isInteger(Object v) {
    return v instanceof Long || v instanceof BigInteger;
  }

  static boolean isNumeric(Object v) {
    return isExact(v) || v instanceof Double;
  }

  static BigDecimal decimal(Object exact) {
    if (exact instanceof Long l) {
      return BigDecimal.valueOf(l);
    }
    if (exact instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    return (BigDecimal) exact;
  }

  /** MySQL's string-to-number: the longest numeric prefix after leading spaces, 0 if there is none. */
  static BigDecimal parseDecimal(String s) {
    Matcher m = NUMBER_PREFIX.matcher(s);
    if (!m.find()) {
      return BigDecimal.ZERO;
    }
    try {
      return new BigDecimal(m.group(1));
    } catch (NumberFormatException e) {
      return BigDecimal.ZERO; // exponent out of BigDecimal's range
    }
  }

  static double parseDouble(String s) {
    Matcher m = NUMBER_PREFIX.matcher(s);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  /** The value in a numeric context: numbers stay, strings and temporals become exact numbers or doubles. */
  static Object numeric(Object v, boolean stringsAsDouble) {
    if (v == null || isNumeric(v)) {
      return v;
    }
    if (v instanceof Text t) {
      return stringsAsDouble ? (Object) parseDouble(t.value()) : parseDecimal(t.value());
    }
    if (v instanceof Enumerated e) {
      return e.number() < 0 ? new BigInteger(Long.toUnsignedString(e.number())) : (Object) e.number();
    }
    Temporal t = (Temporal) v;
    if (t.isTime()) {
      // HHMMSS.ffffff
      long abs = Math.abs(t.micros());
      long secs = abs / 1_000_000;
      BigDecimal n = BigDecimal.valueOf((secs / 3600) * 10000 + (secs / 60 % 60) * 100 + secs % 60)
          .add(BigDecimal.valueOf(abs % 1_000_000, 6));
      return t.micros() < 0 ? n.negate() : n;
    }
    String digits = t.text().replace("-", "").replace(":", "").replace(" ", "");
    return new BigDecimal(t.date() ? digits.substring(0, 8) : digits);
  }

  static double toDouble(Object numeric) {
    return numeric instanceof Double d ? d : decimal(numeric).doubleValue();
  }

  /** The value as text (for LIKE): numbers in MySQL's plain notation, temporals in their canonical form. */
  static Text text(Object v) {
    if (v instanceof Text t) {
      return t;
    }
    if (v instanceof Enumerated e) {
      return new Text(e.name(), e.collation());
    }
    if (v instanceof Temporal t) {
      return Text.literal(t.isTime() ? timeText(t.micros())
          : t.date() ? t.text().substring(0, 10) : stripZeroFraction(t.text()));
    }
    if (v instanceof Double d) {
      return Text.literal(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) (double) d) : d.toString());
    }
    if (v instanceof BigDecimal b) {
      return Text.literal(b.toPlainString());
    }
    return Text.literal(v.toString());
  }

  private static String stripZeroFraction(String canonical) {
    return canonical.endsWith(".000000") ? canonical.substring(0, canonical.length() - 7) : canonical;
  }

  private static String timeText(long micros) {
    long abs = Math.abs(micros);
    long secs = abs / 1_000_000;
    String s = String.format("%s%02d:%02d:%02d", micros < 0 ? "-" : "", secs / 3600, secs / 60 % 60, secs % 60);
    return abs % 1_000_000 == 0 ? s : s + String.format(".%06d", abs % 1_000_000);
  }

  /** Truth of a value in a boolean context: null for NULL, else whether it is non-zero as a number. */
  static Boolean truth(Object v) {
    if (v == null) {
      return null;
    }
    Object n = numeric(v, true);
    if (n instanceof Double d) {
      return d != 0.0;
    }
    return decimal(n).signum() != 0;
  }

  // ---- comparison ----

  /** MySQL's comparison of two non-null values: negative, zero or positive. */
  static int compare(Object a, Object b) {
    if (a instanceof Text x && b instanceof Text y) {
      return compareText(x, y, x.collation() == Collation.BIN ? y.collation() : x.collation());
    }
    if (a instanceof Enumerated e && (b instanceof Text || b instanceof Enumerated)) {
      Text y = text(b);
      return compareText(text(e), y, e.collation());
    }
    if (b instanceof Enumerated && a instanceof Text) {
      return -compare(b, a);
    }
    if (a instanceof Temporal x && b instanceof Temporal y && x.isTime() == y.isTime()) {
      return x.isTime() ? Long.compare(x.micros(), y.micros()) : x.text().compareTo(y.text());
    }
    if (a instanceof Temporal x && b instanceof Text y) {
      Temporal t = temporalLike(x, y.value());
      return t == null ? compareText(text(x), y, Collation.BIN) : compare(x, t);
    }
    if (a instanceof Text && b instanceof Temporal) {
      return -compare(b, a);
    }
    // numeric comparison: strings become numbers (exactly, unless a double is involved)
    boolean anyDouble = a instanceof Double || b instanceof Double;
    Object x = numeric(a, anyDouble);
    Object y = numeric(b, anyDouble);
    if (x instanceof Double || y instanceof Double) {
      return Double.compare(toDouble(x), toDouble(y)) == 0 ? 0 : (toDouble(x) < toDouble(y) ? -1 : 1);
    }
    if (x instanceof Long l && y instanceof Long m) {
      return Long.compare(l, m);
    }
    return decimal(x).compareTo(decimal(y));
  }

  private static Temporal temporalLike(Temporal kind, String s) {
    if (kind.isTime()) {
      Long micros = timeMicros(s);
      return micros == null ? null : Temporal.time(micros);
    }
    String canonical = canonicalDatetime(s);
    return canonical == null ? null : Temporal.datetime(canonical, false);
  }

  private static int compareText(Text a, Text b, Collation c) {
    if (c == Collation.BINARY || a.collation() == Collation.BINARY || b.collation() == Collation.BINARY) {
      return Arrays.compareUnsigned(a.bytes(), b.bytes());
    }
    String x = trimTrailingSpaces(a.value());
    String y = trimTrailingSpaces(b.value());
    if (c == Collation.CI) {
      x = x.toUpperCase(Locale.ROOT);
      y = y.toUpperCase(Locale.ROOT);
    }
    return Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
  }

  private static String trimTrailingSpaces(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }

  // ---- arithmetic ----

  enum Arith { ADD, SUB, MUL, DIV, INT_DIV, MOD }

  /** MySQL arithmetic; null on NULL operands and on division by zero. Integer results never overflow here. */
  static Object arithmetic(Arith op, Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    Object x = numeric(a, true);
    Object y = numeric(b, true);
    if (x instanceof Double || y instanceof Double) {
      double p = toDouble(x);
      double q = toDouble(y);
      switch (op) {
        case ADD: return p + q;
        case SUB: return p - q;
        case MUL: return p * q;
        case DIV: return q == 0 ? null : p / q;
        case INT_DIV: return q == 0 ? null : integer(new BigDecimal(p / q).toBigInteger());
        default: return q == 0 ? null : p % q;
      }
    }
    if (isInteger(x) && isInteger(y) && op != Arith.DIV) {
      BigInteger p = x instanceof Long l ? BigInteger.valueOf(l) : (BigInteger) x;
      BigInteger q = y instanceof Long l ? BigInteger.valueOf(l) : (BigInteger) y;
      switch (op) {
        case ADD: return integer(p.add(q));
        case SUB: return integer(p.subtract(q));
        case MUL: return integer(p.multiply(q));
        case INT_DIV: return q.signum() == 0 ? null : integer(p.divide(q));
        default: return q.signum() == 0 ? null : integer(p.remainder(q));
      }
    }
    BigDecimal p = decimal(x);
    BigDecimal q = decimal(y);
    switch (op) {
      case ADD: return p.add(q);
      case SUB: return p.subtract(q);
      case MUL: return p.multiply(q);
      case DIV: return q.signum() == 0 ? null
          : p.divide(q, Math.max(p.scale(), 0) + DIV_PRECISION_INCREMENT, RoundingMode.HALF_UP);
      case INT_DIV: return q.signum() == 0 ? null : integer(p.divideToIntegralValue(q).toBigInteger());
      default: return q.signum() == 0 ? null : p.remainder(q);
    }
  }

  /** Unary minus. */
  static Object negate(Object v) {
    if (v == null) {
      return null;
    }
    Object n = numeric(v, true);
    if (n instanceof Double d) {
      return -d;
    }
    if (n instanceof Long l) {
      return l == Long.MIN_VALUE ? BigInteger.valueOf(l).negate() : (Object) (-l);
    }
    if (n instanceof BigInteger b) {
      return integer(b.negate());
    }
    return ((BigDecimal) n).negate();
  }
}
