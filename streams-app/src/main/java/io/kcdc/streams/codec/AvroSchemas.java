package io.kcdc.streams.codec;

import static io.kcdc.tidb.MysqlType.*;

import io.kcdc.avro.ColumnDef;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.ColumnFlag;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Avro schemas and datum values TiCDC's avro protocol writes for a table (docs/output-formats.md#avro): a record
 * named after the table in namespace {@code <changefeed namespace>.<schema>}, one field per column in table order
 * with {@code connect.parameters.tidb_type}, nullable columns as unions, column defaults, and the {@code _tidb_*}
 * extension fields. The JSON text is byte-for-byte what TiCDC registers (Go's struct and sorted-map order).
 */
public final class AvroSchemas {
  static final String TIDB_OP = "_tidb_op";
  static final String TIDB_COMMIT_TS = "_tidb_commit_ts";
  static final String TIDB_PHYSICAL_TIME = "_tidb_commit_physical_time";

  private AvroSchemas() {}

  /** The value schema: every column, plus the extension fields when enabled. */
  public static String valueSchema(TableInfo t, AvroConfig config, boolean tidbExtension) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < t.columnCount(); i++) {
      all.add(i);
    }
    return schema(t, all, config, tidbExtension);
  }

  /** The key schema: the handle-key columns; null when the table has none. */
  public static String keySchema(TableInfo t, AvroConfig config) {
    List<Integer> keys = handleKeyColumns(t);
    return keys.isEmpty() ? null : schema(t, keys, config, false);
  }

  static List<Integer> handleKeyColumns(TableInfo t) {
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < t.columnCount(); i++) {
      if (t.isHandleKey(i)) {
        keys.add(i);
      }
    }
    return keys;
  }

  private static String schema(TableInfo t, List<Integer> columns, AvroConfig config, boolean tidbExtension) {
    GoJsonWriter w = new GoJsonWriter();
    w.raw("{\"type\":\"record\",\"name\":").string(sanitizeName(t.tableName()))
        .raw(",\"namespace\":").string(namespace(config.namespace(), t.schemaName())).raw(",\"fields\":[");
    boolean first = true;
    for (int i : columns) {
      if (!first) {
        w.raw(',');
      }
      first = false;
      field(w, t, i, config);
    }
    if (tidbExtension) {
      w.raw(first ? "" : ",");
      w.raw("{\"default\":\"\",\"name\":\"" + TIDB_OP + "\",\"type\":\"string\"},");
      w.raw("{\"default\":0,\"name\":\"" + TIDB_COMMIT_TS + "\",\"type\":\"long\"},");
      w.raw("{\"default\":0,\"name\":\"" + TIDB_PHYSICAL_TIME + "\",\"type\":\"long\"}");
    }
    return w.raw("]}").toString();
  }

  /** One field as Go marshals {@code map[string]interface{}}: keys sorted, so default, name, type. */
  private static void field(GoJsonWriter w, TableInfo t, int i, AvroConfig config) {
    ColumnDef c = t.column(i);
    boolean nullable = ColumnFlag.has(c.getFlag(), ColumnFlag.NULLABLE);
    boolean logical = isLogical(c, config);
    Object def = c.getDefaultValue() == null ? null : defaultValue(t, i, c.getDefaultValue(), config);
    w.raw('{');
    if (logical) {
      // goavro cannot take defaults of logical types, so TiCDC leaves them out
      if (nullable) {
        w.raw("\"default\":null,");
      }
      w.raw("\"name\":").string(sanitizeName(c.getName())).raw(",\"type\":");
      if (nullable) {
        w.raw("[\"null\",");
        type(w, t, i, config);
        w.raw(']');
      } else {
        type(w, t, i, config);
      }
    } else if (nullable) {
      w.raw("\"default\":");
      writeDefault(w, def);
      w.raw(",\"name\":").string(sanitizeName(c.getName())).raw(",\"type\":");
      if (def == null) {
        w.raw("[\"null\",");
        type(w, t, i, config);
        w.raw(']');
      } else {
        w.raw('[');
        type(w, t, i, config);
        w.raw(",\"null\"]");
      }
    } else {
      if (def != null) {
        w.raw("\"default\":");
        writeDefault(w, def);
        w.raw(',');
      }
      w.raw("\"name\":").string(sanitizeName(c.getName())).raw(",\"type\":");
      type(w, t, i, config);
    }
    w.raw('}');
  }

  private static void writeDefault(GoJsonWriter w, Object def) {
    if (def == null) {
      w.raw("null");
    } else if (def instanceof String s) {
      w.string(s);
    } else if (def instanceof ByteBuffer b) {
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      w.raw('"').raw(Base64.getEncoder().encodeToString(bytes)).raw('"'); // Go marshals []byte as base64
    } else if (def instanceof Float f) {
      w.raw(GoFormat.jsonFloat64(f)); // strconv.ParseFloat(v, 32) yields a float64
    } else if (def instanceof Double d) {
      w.raw(GoFormat.jsonFloat64(d));
    } else {
      w.raw(def.toString());
    }
  }

  private static boolean isLogical(ColumnDef c, AvroConfig config) {
    return (c.getType() == TYPE_NEWDECIMAL || c.getType() == TYPE_DECIMAL) && !config.decimalAsString();
  }

  /** {@code {"type":T,"connect.parameters":{…}[,"logicalType","precision","scale"]}}. */
  private static void type(GoJsonWriter w, TableInfo t, int i, AvroConfig config) {
    ColumnDef c = t.column(i);
    Map<String, String> params = new TreeMap<>();
    params.put("tidb_type", tidbType(t, i));
    String avroType = avroType(t, i, config);
    int tp = c.getType();
    if (tp == TYPE_BIT) {
      params.put("length", Integer.toString(c.getFlen() == -1 ? 1 : c.getFlen()));
    } else if (tp == TYPE_ENUM || tp == TYPE_SET) {
      List<String> es = new ArrayList<>();
      for (String e : c.getElems()) {
        es.add(e.replace(",", "\\,").replace("\\'", "'").replace("''", "'"));
      }
      params.put("allowed", String.join(",", es));
    }
    w.raw("{\"type\":").string(avroType).raw(",\"connect.parameters\":{");
    boolean first = true;
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (!first) {
        w.raw(',');
      }
      first = false;
      w.string(p.getKey()).raw(':').string(p.getValue());
    }
    w.raw('}');
    if (isLogical(c, config)) {
      w.raw(",\"logicalType\":\"decimal\",\"precision\":").number(precision(c)).raw(",\"scale\":").number(scale(c));
    }
    w.raw('}');
  }

  static int precision(ColumnDef c) {
    return c.getFlen() == -1 ? 10 : c.getFlen();
  }

  static int scale(ColumnDef c) {
    return c.getDecimal() == -1 ? 0 : c.getDecimal();
  }

  /** The Avro primitive type of a column. */
  static String avroType(TableInfo t, int i, AvroConfig config) {
    int tp = t.column(i).getType();
    boolean unsigned = t.isUnsigned(i);
    return switch (tp) {
      case TYPE_TINY, TYPE_SHORT, TYPE_INT24, TYPE_YEAR -> "int";
      case TYPE_LONG -> unsigned ? "long" : "int";
      case TYPE_LONGLONG -> unsigned && config.bigintUnsignedAsString() ? "string" : "long";
      case TYPE_FLOAT -> "float";
      case TYPE_DOUBLE -> "double";
      case TYPE_BIT -> "bytes";
      case TYPE_NEWDECIMAL, TYPE_DECIMAL -> config.decimalAsString() ? "string" : "bytes";
      case TYPE_VARCHAR, TYPE_STRING, TYPE_VAR_STRING, TYPE_TINY_BLOB, TYPE_MEDIUM_BLOB, TYPE_LONG_BLOB, TYPE_BLOB ->
          t.isBinary(i) ? "bytes" : "string";
      case TYPE_ENUM, TYPE_SET, TYPE_JSON, TYPE_DATE, TYPE_NEWDATE, TYPE_DATETIME, TYPE_TIMESTAMP, TYPE_DURATION,
          TYPE_TIDB_VECTOR_FLOAT32 -> "string";
      default -> throw new EncodeException(CdcError.AVRO_ENCODE_FAILED, "unknown mysql type " + tp + " of column "
          + t.column(i).getName());
    };
  }

  /** {@code connect.parameters.tidb_type}. */
  static String tidbType(TableInfo t, int i) {
    int tp = t.column(i).getType();
    String tt = switch (tp) {
      case TYPE_TINY, TYPE_SHORT, TYPE_INT24, TYPE_LONG -> "INT";
      case TYPE_LONGLONG -> "BIGINT";
      case TYPE_FLOAT -> "FLOAT";
      case TYPE_DOUBLE -> "DOUBLE";
      case TYPE_BIT -> "BIT";
      case TYPE_NEWDECIMAL, TYPE_DECIMAL -> "DECIMAL";
      case TYPE_TINY_BLOB, TYPE_MEDIUM_BLOB, TYPE_BLOB, TYPE_LONG_BLOB, TYPE_VARCHAR, TYPE_VAR_STRING, TYPE_STRING -> "TEXT";
      case TYPE_ENUM -> "ENUM";
      case TYPE_SET -> "SET";
      case TYPE_JSON -> "JSON";
      case TYPE_DATE, TYPE_NEWDATE -> "DATE";
      case TYPE_DATETIME -> "DATETIME";
      case TYPE_TIMESTAMP -> "TIMESTAMP";
      case TYPE_DURATION -> "TIME";
      case TYPE_YEAR -> "YEAR";
      case TYPE_TIDB_VECTOR_FLOAT32 -> "TiDBVECTORFloat32";
      default -> "";
    };
    if (t.isUnsigned(i) && (tt.equals("INT") || tt.equals("BIGINT"))) {
      return tt + " UNSIGNED";
    }
    if (t.isBinary(i) && tt.equals("TEXT")) {
      return "BLOB";
    }
    return tt;
  }

  /**
   * The Avro datum of a mounted value: int32/int64 numbers (unsigned BIGINT as its bit pattern or decimal text),
   * floats, strings, ENUM/SET names, BIT as big-endian bytes, DECIMAL as the two's-complement unscaled value.
   */
  static Object datum(TableInfo t, int i, Object v, AvroConfig config) {
    if (v == null) {
      return null;
    }
    ColumnDef c = t.column(i);
    int tp = c.getType();
    switch (tp) {
      case TYPE_TINY, TYPE_SHORT, TYPE_INT24, TYPE_YEAR:
        return (int) (long) (Long) v;
      case TYPE_LONG:
        return t.isUnsigned(i) ? (Object) v : (Object) (int) (long) (Long) v;
      case TYPE_LONGLONG:
        return t.isUnsigned(i) && config.bigintUnsignedAsString() ? Long.toUnsignedString((Long) v) : v;
      case TYPE_FLOAT, TYPE_DOUBLE:
        return v;
      case TYPE_BIT:
        return ByteBuffer.wrap(bitBytes((Long) v));
      case TYPE_NEWDECIMAL, TYPE_DECIMAL:
        String text = v instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : v.toString();
        if (config.decimalAsString()) {
          return text;
        }
        BigDecimal d = new BigDecimal(text).setScale(scale(c), RoundingMode.DOWN);
        return ByteBuffer.wrap(d.unscaledValue().toByteArray());
      case TYPE_ENUM:
        return enumName(c, (Long) v);
      case TYPE_SET:
        return setNames(c, (Long) v);
      default:
        if (v instanceof byte[] b) {
          return t.isBinary(i) ? ByteBuffer.wrap(b) : new String(b, StandardCharsets.UTF_8);
        }
        return v.toString();
    }
  }

  /** A column default (TiDB's text form) as Go's {@code columnToAvroData} turns it into a schema default. */
  static Object defaultValue(TableInfo t, int i, String v, AvroConfig config) {
    int tp = t.column(i).getType();
    try {
      return switch (tp) {
        case TYPE_TINY, TYPE_SHORT, TYPE_INT24, TYPE_YEAR -> Integer.parseInt(v);
        case TYPE_LONG -> t.isUnsigned(i) ? Long.parseLong(v) : (Object) Integer.parseInt(v);
        case TYPE_LONGLONG -> t.isUnsigned(i)
            ? (config.bigintUnsignedAsString() ? v : (Object) Long.parseUnsignedLong(v))
            : (Object) Long.parseLong(v);
        case TYPE_FLOAT -> Float.parseFloat(v);
        case TYPE_DOUBLE -> Double.parseDouble(v);
        case TYPE_BIT -> ByteBuffer.wrap(v.getBytes(StandardCharsets.ISO_8859_1));
        default -> t.isBinary(i) ? ByteBuffer.wrap(v.getBytes(StandardCharsets.UTF_8)) : v;
      };
    } catch (NumberFormatException e) {
      throw new EncodeException(CdcError.AVRO_ENCODE_FAILED, "invalid default value " + v + " of column "
          + t.column(i).getName(), e);
    }
  }

  /** TiDB's {@code NewBinaryLiteralFromUint(v, -1)}: big-endian without leading zero bytes, at least one byte. */
  static byte[] bitBytes(long v) {
    byte[] all = ByteBuffer.allocate(8).putLong(v).array();
    int pos = 0;
    while (pos < 7 && all[pos] == 0) {
      pos++;
    }
    byte[] out = new byte[8 - pos];
    System.arraycopy(all, pos, out, 0, out.length);
    return out;
  }

  static String enumName(ColumnDef c, long index) {
    List<String> elems = c.getElems();
    if (index == 0 || index > elems.size()) {
      return ""; // TiDB's empty enum value written in non-strict mode
    }
    return elems.get((int) index - 1);
  }

  static String setNames(ColumnDef c, long mask) {
    List<String> elems = c.getElems();
    List<String> names = new ArrayList<>();
    for (int b = 0; b < elems.size() && b < 64; b++) {
      if ((mask >>> b & 1) != 0) {
        names.add(elems.get(b));
      }
    }
    return String.join(",", names);
  }

  static String namespace(String changefeedNamespace, String schema) {
    return sanitizeName(changefeedNamespace) + "." + sanitizeName(schema);
  }

  /** TiCDC's {@code sanitizeName}: Avro names allow {@code [A-Za-z0-9_]}, not a leading digit. */
  public static String sanitizeName(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 1);
    int[] cps = name.codePoints().toArray();
    for (int k = 0; k < cps.length; k++) {
      int c = cps[k];
      if (k == 0 && c >= '0' && c <= '9') {
        sb.append('_').append((char) c);
      } else if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        sb.append((char) c);
      } else {
        sb.append('_');
      }
    }
    return sb.toString();
  }

  /** TiCDC's {@code sanitizeTopic}: dots become underscores in subject names. */
  public static String sanitizeTopic(String topic) {
    return topic.replace('.', '_');
  }

  /** Field values by name, ready for a {@link org.apache.avro.generic.GenericData.Record}. */
  static Map<String, Object> datums(TableInfo t, List<Object> values, List<Integer> columns, AvroConfig config) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i : columns) {
      out.put(sanitizeName(t.column(i).getName()), datum(t, i, values.get(i), config));
    }
    return out;
  }
}
