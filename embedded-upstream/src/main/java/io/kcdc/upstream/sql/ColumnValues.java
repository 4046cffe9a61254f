package io.kcdc.upstream.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.tidb.DurationCodec;
import io.kcdc.tidb.MountedValue;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.PackedTime;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Converts between evaluated SQL values and the mounted value model stored in rows
 * ({@link MountedValue}), with MySQL strict-mode checks (range, length, format).
 */
public final class ColumnValues {
  private static final BigDecimal UINT64_MAX = new BigDecimal(new BigInteger("18446744073709551615"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private ColumnValues() {}

  /**
   * The mounted value a column stores for an evaluated value ({@code row} is 1-based for
   * messages). NULL checks are the caller's: this returns null for null.
   */
  public static Object toMounted(Object v, ColumnInfo col, long row) {
    if (v == null) {
      return null;
    }
    FieldType ft = col.type();
    int tp = ft.tp();
    String name = col.name().o();
    if (MysqlType.isInteger(tp) || tp == MysqlType.TYPE_YEAR) {
      BigDecimal d = SqlValues.toDecimal(v).setScale(0, RoundingMode.HALF_UP);
      BigDecimal[] range = intRange(tp, ft.unsigned());
      if (d.compareTo(range[0]) < 0 || d.compareTo(range[1]) > 0) {
        throw SqlException.outOfRange(name, row);
      }
      // Unsigned BIGINT above Long.MAX_VALUE is kept as its uint64 bit pattern.
      return d.toBigInteger().longValue();
    }
    if (tp == MysqlType.TYPE_FLOAT) {
      return (float) SqlValues.toDouble(v);
    }
    if (tp == MysqlType.TYPE_DOUBLE) {
      return SqlValues.toDouble(v);
    }
    if (MysqlType.isDecimal(tp)) {
      BigDecimal d = SqlValues.toDecimal(v).setScale(Math.max(ft.decimal(), 0), RoundingMode.HALF_UP);
      int intDigits = d.precision() - d.scale();
      if (d.signum() != 0 && intDigits > ft.flen() - ft.decimal()) {
        throw SqlException.outOfRange(name, row);
      }
      if (ft.unsigned() && d.signum() < 0) {
        throw SqlException.outOfRange(name, row);
      }
      return d.toPlainString();
    }
    if (MysqlType.isTime(tp)) {
      return time(v, ft, name);
    }
    if (tp == MysqlType.TYPE_DURATION) {
      try {
        return DurationCodec.format(DurationCodec.parseNanos(SqlValues.toText(v)), Math.max(ft.decimal(), 0));
      } catch (IllegalArgumentException e) {
        throw SqlException.incorrectValue("time", SqlValues.toText(v), name);
      }
    }
    if (tp == MysqlType.TYPE_ENUM) {
      return enumIndex(v, ft, name, row);
    }
    if (tp == MysqlType.TYPE_SET) {
      return setMask(v, ft, name, row);
    }
    if (tp == MysqlType.TYPE_BIT) {
      long bits = v instanceof String str ? bytesToLong(str.getBytes(StandardCharsets.ISO_8859_1), name, row)
          : SqlValues.toDecimal(v).toBigInteger().longValue();
      if (ft.flen() < 64 && (bits >>> ft.flen()) != 0) {
        throw SqlException.dataTooLong(name, row);
      }
      return bits;
    }
    if (tp == MysqlType.TYPE_JSON) {
      String text = SqlValues.toText(v);
      try {
        JSON.readTree(text);
      } catch (java.io.IOException e) {
        throw new SqlException(3140, "22032", "Invalid JSON text: \"" + text + "\"");
      }
      return text;
    }
    if (MysqlType.isString(tp)) {
      String s = SqlValues.toText(v);
      byte[] bytes = ft.binaryCharset()
          ? s.getBytes(StandardCharsets.ISO_8859_1)
          : s.getBytes(StandardCharsets.UTF_8);
      long len = ft.binaryCharset() ? bytes.length : s.codePointCount(0, s.length());
      if (ft.flen() >= 0 && len > ft.flen()) {
        throw SqlException.dataTooLong(name, row);
      }
      if (ft.binaryCharset() && tp == MysqlType.TYPE_STRING && bytes.length < ft.flen()) {
        // BINARY(n) is right-padded with zero bytes.
        bytes = java.util.Arrays.copyOf(bytes, ft.flen());
      }
      return bytes;
    }
    throw SqlException.unsupported("values of type " + MysqlType.baseName(tp, ft.binaryCharset()));
  }

  private static long enumIndex(Object v, FieldType ft, String name, long row) {
    List<String> elems = ft.elems();
    if (v instanceof Number n) {
      long i = n.longValue();
      if (i < 0 || i > elems.size()) {
        throw SqlException.dataTruncated(name, row);
      }
      return i;
    }
    String text = SqlValues.toText(v);
    for (int i = 0; i < elems.size(); i++) {
      if (elems.get(i).equalsIgnoreCase(text)) {
        return i + 1;
      }
    }
    throw SqlException.dataTruncated(name, row);
  }

  private static long setMask(Object v, FieldType ft, String name, long row) {
    List<String> elems = ft.elems();
    if (v instanceof Number n) {
      long mask = n.longValue();
      if (elems.size() < 64 && (mask >>> elems.size()) != 0) {
        throw SqlException.dataTruncated(name, row);
      }
      return mask;
    }
    String text = SqlValues.toText(v);
    long mask = 0;
    if (!text.isEmpty()) {
      for (String part : text.split(",", -1)) {
        int i = indexOfIgnoreCase(elems, part);
        if (i < 0) {
          throw SqlException.dataTruncated(name, row);
        }
        mask |= 1L << i;
      }
    }
    return mask;
  }

  private static int indexOfIgnoreCase(List<String> elems, String s) {
    for (int i = 0; i < elems.size(); i++) {
      if (elems.get(i).equalsIgnoreCase(s)) {
        return i;
      }
    }
    return -1;
  }

  private static long bytesToLong(byte[] b, String name, long row) {
    if (b.length > 8) {
      throw SqlException.dataTooLong(name, row);
    }
    long v = 0;
    for (byte x : b) {
      v = (v << 8) | (x & 0xFF);
    }
    return v;
  }

  /** ENUM's element name, SET's comma-joined names, BIT's big-endian bytes ({@code ceil(M/8)} long). */
  private static Object displayValue(long l, FieldType ft) {
    List<String> elems = ft.elems();
    if (ft.tp() == MysqlType.TYPE_ENUM) {
      return l == 0 || l > elems.size() ? "" : elems.get((int) l - 1);
    }
    if (ft.tp() == MysqlType.TYPE_SET) {
      List<String> names = new java.util.ArrayList<>();
      for (int i = 0; i < elems.size(); i++) {
        if ((l & (1L << i)) != 0) {
          names.add(elems.get(i));
        }
      }
      return String.join(",", names);
    }
    int n = (Math.max(ft.flen(), 1) + 7) / 8;
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[n - 1 - i] = (byte) (l >>> (8 * i));
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private static String time(Object v, FieldType ft, String name) {
    String text = SqlValues.toText(v).trim();
    if (v instanceof Long l) {
      text = numericTime(l);
    }
    try {
      String normalized = text.length() == 10 ? text + " 00:00:00" : text;
      long packed = PackedTime.parse(roundFraction(normalized, Math.max(ft.decimal(), 0)));
      PackedTime.Parts p = PackedTime.unpack(packed);
      if (packed != 0 && (p.month() < 1 || p.month() > 12 || p.day() < 1 || p.day() > 31
          || p.hour() > 23 || p.minute() > 59 || p.second() > 59)) {
        throw new IllegalArgumentException(text);
      }
      return PackedTime.format(packed, ft.tp(), Math.max(ft.decimal(), 0));
    } catch (IllegalArgumentException e) {
      throw new SqlException(
          1292, "22007", "Incorrect " + MysqlType.baseName(ft.tp(), false) + " value: '" + text
              + "' for column '" + name + "' at row 1");
    }
  }

  /** {@code 20200220} or {@code 20200220022020} as MySQL reads numbers in time context. */
  private static String numericTime(long n) {
    String s = Long.toString(n);
    if (s.length() == 8) {
      return s.substring(0, 4) + "-" + s.substring(4, 6) + "-" + s.substring(6, 8);
    }
    if (s.length() == 14) {
      return s.substring(0, 4) + "-" + s.substring(4, 6) + "-" + s.substring(6, 8) + " "
          + s.substring(8, 10) + ":" + s.substring(10, 12) + ":" + s.substring(12, 14);
    }
    return s;
  }

  /** Rounds the fraction to {@code fsp} digits like MySQL (half up; carries are rare, truncate then). */
  private static String roundFraction(String text, int fsp) {
    int dot = text.lastIndexOf('.');
    if (dot < 0 || text.indexOf(':') < 0) {
      return text;
    }
    String frac = text.substring(dot + 1);
    if (frac.length() <= fsp) {
      return text;
    }
    return fsp == 0 ? text.substring(0, dot) : text.substring(0, dot + 1 + fsp);
  }

  private static BigDecimal[] intRange(int tp, boolean unsigned) {
    int bits = switch (tp) {
      case MysqlType.TYPE_TINY -> 8;
      case MysqlType.TYPE_SHORT -> 16;
      case MysqlType.TYPE_INT24 -> 24;
      case MysqlType.TYPE_LONG -> 32;
      case MysqlType.TYPE_YEAR -> 16;
      default -> 64;
    };
    if (unsigned) {
      BigDecimal max = bits == 64 ? UINT64_MAX : BigDecimal.valueOf((1L << bits) - 1);
      return new BigDecimal[] {BigDecimal.ZERO, max};
    }
    if (bits == 64) {
      return new BigDecimal[] {BigDecimal.valueOf(Long.MIN_VALUE), BigDecimal.valueOf(Long.MAX_VALUE)};
    }
    return new BigDecimal[] {BigDecimal.valueOf(-(1L << (bits - 1))), BigDecimal.valueOf((1L << (bits - 1)) - 1)};
  }

  /** A stored (mounted) value as an SQL value for evaluation. */
  public static Object toSql(Object mounted, FieldType ft) {
    if (mounted == null) {
      return null;
    }
    if (mounted instanceof Long l
        && (ft.tp() == MysqlType.TYPE_ENUM || ft.tp() == MysqlType.TYPE_SET || ft.tp() == MysqlType.TYPE_BIT)) {
      return displayValue(l, ft);
    }
    if (mounted instanceof Long l) {
      if (l < 0 && (ft.unsigned() || MysqlType.isAlwaysUnsigned(ft.tp()))) {
        return new BigDecimal(new BigInteger(Long.toUnsignedString(l)));
      }
      return l;
    }
    if (mounted instanceof Float f) {
      return f.doubleValue();
    }
    if (mounted instanceof Double) {
      return mounted;
    }
    if (mounted instanceof byte[] b) {
      return new String(b, ft.binaryCharset() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
    if (MysqlType.isDecimal(ft.tp())) {
      return SqlValues.normalize(new BigDecimal((String) mounted));
    }
    return mounted;
  }

  /** The text protocol form of a stored value. */
  public static String toText(Object mounted, FieldType ft) {
    int tp = ft.tp();
    if (mounted instanceof Long l && (tp == MysqlType.TYPE_ENUM || tp == MysqlType.TYPE_SET || tp == MysqlType.TYPE_BIT)) {
      return (String) displayValue(l, ft);
    }
    if (mounted instanceof Float f) {
      return SqlValues.formatDouble(Double.parseDouble(MountedValue.formatFloat32(f)));
    }
    if (mounted instanceof Double d) {
      return SqlValues.formatDouble(d);
    }
    return MountedValue.toText(mounted, ft);
  }
}
