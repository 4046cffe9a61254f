package io.kcdc.tidb;

import io.kcdc.tidb.schema.FieldType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Conversions between the values callers hand to encoders (lenient: mounted values, or natural
 * Java types) and the primitives TiDB stores, and from stored primitives to {@link MountedValue}s.
 */
final class Datums {
  private Datums() {}

  /** What a column's value is stored as. */
  enum Kind { SIGNED, UNSIGNED, FLOAT, DOUBLE, DECIMAL, BYTES, JSON, VECTOR }

  static Kind kindOf(FieldType ft) {
    int tp = ft.tp();
    if (MysqlType.isInteger(tp)) {
      return ft.unsigned() ? Kind.UNSIGNED : Kind.SIGNED;
    }
    return switch (tp) {
      case MysqlType.TYPE_YEAR, MysqlType.TYPE_DURATION -> Kind.SIGNED;
      case MysqlType.TYPE_ENUM, MysqlType.TYPE_SET, MysqlType.TYPE_BIT, MysqlType.TYPE_DATE,
          MysqlType.TYPE_NEWDATE, MysqlType.TYPE_DATETIME, MysqlType.TYPE_TIMESTAMP -> Kind.UNSIGNED;
      case MysqlType.TYPE_FLOAT -> Kind.FLOAT;
      case MysqlType.TYPE_DOUBLE -> Kind.DOUBLE;
      case MysqlType.TYPE_NEWDECIMAL, MysqlType.TYPE_DECIMAL -> Kind.DECIMAL;
      case MysqlType.TYPE_JSON -> Kind.JSON;
      case MysqlType.TYPE_TIDB_VECTOR_FLOAT32 -> Kind.VECTOR;
      default -> Kind.BYTES;
    };
  }

  /**
   * The 64-bit stored form of integer-like values: integers, YEAR, ENUM index (or element name),
   * SET mask (or comma-separated names), BIT, packed time (or its text, UTC for TIMESTAMP), TIME
   * nanoseconds (or its text).
   */
  static long toLong(Object v, FieldType ft) {
    int tp = ft.tp();
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof byte[] b && tp == MysqlType.TYPE_BIT) {
      long x = 0;
      for (byte by : b) {
        x = (x << 8) | (by & 0xFF);
      }
      return x;
    }
    String s = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v);
    if (MysqlType.isTime(tp)) {
      return PackedTime.parse(s);
    }
    if (tp == MysqlType.TYPE_DURATION) {
      return DurationCodec.parseNanos(s);
    }
    if (tp == MysqlType.TYPE_ENUM) {
      return enumIndex(ft, s);
    }
    if (tp == MysqlType.TYPE_SET) {
      return setMask(ft, s);
    }
    return ft.unsigned() ? Long.parseUnsignedLong(s.trim()) : Long.parseLong(s.trim());
  }

  static long enumIndex(FieldType ft, String name) {
    if (name.isEmpty()) {
      return 0;
    }
    List<String> elems = ft.elems() == null ? List.of() : ft.elems();
    for (int i = 0; i < elems.size(); i++) {
      if (elems.get(i).equalsIgnoreCase(name)) {
        return i + 1;
      }
    }
    return Long.parseLong(name);
  }

  static long setMask(FieldType ft, String names) {
    long mask = 0;
    if (names.isEmpty()) {
      return 0;
    }
    List<String> elems = ft.elems() == null ? List.of() : ft.elems();
    outer:
    for (String part : names.split(",")) {
      for (int i = 0; i < elems.size(); i++) {
        if (elems.get(i).equalsIgnoreCase(part)) {
          mask |= 1L << i;
          continue outer;
        }
      }
      throw new IllegalArgumentException("'" + part + "' is not an element of the set " + elems);
    }
    return mask;
  }

  static double toDouble(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return Double.parseDouble(text(v));
  }

  static BigDecimal toDecimal(Object v) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    return new BigDecimal(text(v).trim());
  }

  static byte[] toBytes(Object v) {
    if (v instanceof byte[] b) {
      return b;
    }
    return String.valueOf(v).getBytes(StandardCharsets.UTF_8);
  }

  /** JSON as type code + binary: text is parsed, bytes are taken as already binary. */
  static byte[] toJson(Object v) {
    if (v instanceof byte[] b) {
      return b;
    }
    return BinaryJson.fromText(String.valueOf(v));
  }

  static float[] toVector(Object v) {
    if (v instanceof float[] f) {
      return f;
    }
    String s = text(v).trim();
    if (!s.startsWith("[") || !s.endsWith("]")) {
      throw new IllegalArgumentException("invalid vector '" + s + "'");
    }
    String body = s.substring(1, s.length() - 1).trim();
    if (body.isEmpty()) {
      return new float[0];
    }
    String[] parts = body.split(",");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Float.parseFloat(parts[i].trim());
    }
    return out;
  }

  /** TiDB's serialised vector: uint32 LE count, then float32 LE elements. */
  static byte[] vectorBytes(float[] f) {
    ByteBuffer buf = ByteBuffer.allocate(4 + 4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(f.length);
    for (float x : f) {
      buf.putFloat(x);
    }
    return buf.array();
  }

  static float[] vectorFrom(byte[] b, int off, int len) {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len).order(ByteOrder.LITTLE_ENDIAN);
    int n = buf.getInt();
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = buf.getFloat();
    }
    return out;
  }

  static String vectorText(float[] f) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < f.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(MountedValue.formatFloat32(f[i]));
    }
    return sb.append(']').toString();
  }

  /**
   * The mounted value of a stored 64-bit value. TIMESTAMP is stored (and its origin default
   * written) in UTC and shown in {@code tz}.
   */
  static Object mountLong(long v, FieldType ft, ZoneId tz) {
    int tp = ft.tp();
    if (MysqlType.isTime(tp)) {
      long packed = tp == MysqlType.TYPE_TIMESTAMP ? PackedTime.utcTo(v, tz) : v;
      return PackedTime.format(packed, tp, ft.decimal());
    }
    if (tp == MysqlType.TYPE_DURATION) {
      return DurationCodec.format(v, ft.decimal());
    }
    return v;
  }

  /** TiCDC mounts NaN and infinities as 0 (MySQL cannot hold them). */
  static Float finiteFloat(double d) {
    float f = (float) d;
    return Float.isFinite(f) ? f : 0f;
  }

  static Double finiteDouble(double d) {
    return Double.isFinite(d) ? d : 0d;
  }

  /** Mounted value of a decoded primitive (Long, Double, BigDecimal, byte[], float[]). */
  static Object mount(Object raw, FieldType ft, ZoneId tz) {
    if (raw == null) {
      return null;
    }
    Kind kind = kindOf(ft);
    return switch (kind) {
      case SIGNED, UNSIGNED -> mountLong(((Number) raw).longValue(), ft, tz);
      case FLOAT -> finiteFloat(((Number) raw).doubleValue());
      case DOUBLE -> finiteDouble(((Number) raw).doubleValue());
      case DECIMAL -> MyDecimal.format(toDecimal(raw), ft.decimal());
      case JSON -> BinaryJson.toText((byte[]) raw);
      case VECTOR -> vectorText(raw instanceof float[] f ? f : toVector(raw));
      case BYTES -> raw instanceof byte[] b ? b : toBytes(raw);
    };
  }

  /**
   * Mounter rule for a column missing from a row (docs/tidb-encoding.md#mounting): the origin
   * default converted to the column type, else NULL if nullable, else ENUM's first element, else
   * the type's zero value.
   */
  static Object missingColumnValue(io.kcdc.tidb.schema.ColumnInfo c, ZoneId tz) {
    FieldType ft = c.type();
    Object def = c.originDefault();
    if (ft.tp() == MysqlType.TYPE_BIT && c.originDefaultBit() != null) {
      def = c.originDefaultBit();
    }
    if (def != null) {
      return defaultValue(def, ft, tz);
    }
    if (!ft.notNull()) {
      return null;
    }
    if (ft.tp() == MysqlType.TYPE_ENUM && ft.elems() != null && !ft.elems().isEmpty()) {
      return 1L;
    }
    return zeroValue(ft);
  }

  private static Object defaultValue(Object def, FieldType ft, ZoneId tz) {
    Kind kind = kindOf(ft);
    if (kind == Kind.BYTES) {
      return toBytes(def);
    }
    if (kind == Kind.SIGNED || kind == Kind.UNSIGNED) {
      if (def instanceof String s && ft.tp() == MysqlType.TYPE_BIT) {
        return toLong(s.getBytes(StandardCharsets.ISO_8859_1), ft);
      }
      return mountLong(toLong(def, ft), ft, tz);
    }
    return switch (kind) {
      case FLOAT -> (float) toDouble(def);
      case DOUBLE -> toDouble(def);
      case DECIMAL -> MyDecimal.format(toDecimal(def), ft.decimal());
      case JSON -> BinaryJson.toText(toJson(def));
      case VECTOR -> vectorText(toVector(def));
      default -> throw new IllegalStateException();
    };
  }

  static Object zeroValue(FieldType ft) {
    return switch (kindOf(ft)) {
      case SIGNED, UNSIGNED -> mountLong(0, ft, ZoneOffset.UTC);
      case FLOAT -> 0f;
      case DOUBLE -> 0d;
      case DECIMAL -> MyDecimal.format(BigDecimal.ZERO, ft.decimal());
      case JSON -> "null";
      case VECTOR -> "[]";
      case BYTES -> new byte[0];
    };
  }

  private static String text(Object v) {
    return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v);
  }
}
