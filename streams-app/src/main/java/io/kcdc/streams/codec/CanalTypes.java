package io.kcdc.streams.codec;

import static io.kcdc.streams.codec.MysqlTypes.*;

import io.kcdc.avro.ColumnDef;
import io.kcdc.streams.model.TableInfo;
import java.util.stream.Collectors;

/** canal-json's {@code sqlType} (java.sql.Types) and {@code mysqlType} of a column (data-path.md §8.1). */
final class CanalTypes {
  static final int JAVA_BIT = -7;
  static final int JAVA_TINYINT = -6;
  static final int JAVA_BIGINT = -5;
  static final int JAVA_NULL = 0;
  static final int JAVA_CHAR = 1;
  static final int JAVA_DECIMAL = 3;
  static final int JAVA_INTEGER = 4;
  static final int JAVA_SMALLINT = 5;
  static final int JAVA_REAL = 7;
  static final int JAVA_DOUBLE = 8;
  static final int JAVA_VARCHAR = 12;
  static final int JAVA_DATE = 91;
  static final int JAVA_TIME = 92;
  static final int JAVA_TIMESTAMP = 93;
  static final int JAVA_BLOB = 2004;
  static final int JAVA_CLOB = 2005;

  private CanalTypes() {}

  static boolean isBinary(TableInfo t, int i) {
    return t.isBinary(i) || "binary".equalsIgnoreCase(t.column(i).getCharset());
  }

  /** TiCDC's {@code getJavaSQLType}: the type's code, binary strings as BLOB, unsigned ints promoted by value. */
  static int javaSqlType(TableInfo t, int i, Object value) {
    int tp = t.column(i).getType();
    boolean binary = isBinary(t, i);
    int base = switch (tp) {
      case BIT, SET -> JAVA_BIT;
      case TINY -> JAVA_TINYINT;
      case SHORT -> JAVA_SMALLINT;
      case INT24, LONG, ENUM -> JAVA_INTEGER;
      case LONGLONG -> JAVA_BIGINT;
      case FLOAT -> JAVA_REAL;
      case DOUBLE -> JAVA_DOUBLE;
      case DECIMAL, NEWDECIMAL -> JAVA_DECIMAL;
      case NULL -> JAVA_NULL;
      case TIMESTAMP, DATETIME -> JAVA_TIMESTAMP;
      case DATE, NEWDATE -> JAVA_DATE;
      case DURATION -> JAVA_TIME;
      case STRING -> binary ? JAVA_BLOB : JAVA_CHAR;
      case VARCHAR, VAR_STRING -> binary ? JAVA_BLOB : JAVA_VARCHAR;
      case TINY_BLOB, MEDIUM_BLOB, LONG_BLOB, BLOB -> binary ? JAVA_BLOB : JAVA_CLOB;
      case GEOMETRY -> JAVA_BLOB;
      default -> JAVA_VARCHAR; // YEAR, JSON, VECTOR and anything newer
    };
    if (!t.isUnsigned(i) || !(value instanceof Long number)) {
      return base;
    }
    return switch (tp) {
      case TINY -> Long.compareUnsigned(number, Byte.MAX_VALUE) > 0 ? JAVA_SMALLINT : base;
      case SHORT -> Long.compareUnsigned(number, Short.MAX_VALUE) > 0 ? JAVA_INTEGER : base;
      case LONG -> Long.compareUnsigned(number, Integer.MAX_VALUE) > 0 ? JAVA_BIGINT : base;
      case LONGLONG -> number < 0 ? JAVA_DECIMAL : base;
      default -> base;
    };
  }

  /** TiCDC's {@code GetMySQLType}: base name (binary charset rewritten) plus unsigned/zerofill, or the full definition. */
  static String mysqlType(TableInfo t, int i, boolean fullType) {
    ColumnDef c = t.column(i);
    int tp = c.getType();
    String result = fullType ? fullType(t, i) : baseName(tp, isBinary(t, i));
    if (!fullType && t.isUnsigned(i) && tp != BIT && tp != YEAR) {
      result += " unsigned";
    }
    if (t.isZerofill(i) && tp != BIT && tp != YEAR) {
      result += " zerofill";
    }
    return result;
  }

  private static String baseName(int tp, boolean binary) {
    String name = MysqlTypes.name(tp);
    if (!binary) {
      return name;
    }
    if (MysqlTypes.isBlob(tp)) {
      return name.replaceFirst("text", "blob");
    }
    if (tp == STRING || tp == VARCHAR) {
      return name.replaceFirst("char", "binary");
    }
    return name;
  }

  /** TiDB's column type definition ({@code int(11) unsigned}, {@code varchar(20)}, {@code enum('a','b')}). */
  private static String fullType(TableInfo t, int i) {
    ColumnDef c = t.column(i);
    int tp = c.getType();
    boolean unsigned = t.isUnsigned(i);
    int flen = c.getFlen();
    int dec = c.getDecimal();
    String name = baseName(tp, isBinary(t, i));
    String def = switch (tp) {
      case TINY, SHORT, INT24, LONG, LONGLONG -> name + "(" + (flen > 0 ? flen : defaultIntWidth(tp, unsigned)) + ")";
      case BIT -> name + "(" + (flen > 0 ? flen : 1) + ")";
      case YEAR -> name + "(" + (flen > 0 ? flen : 4) + ")";
      case DECIMAL, NEWDECIMAL -> name + "(" + (flen > 0 ? flen : 10) + "," + Math.max(dec, 0) + ")";
      case FLOAT, DOUBLE -> flen > 0 && dec >= 0 ? name + "(" + flen + "," + dec + ")" : name;
      case STRING, VARCHAR, VAR_STRING -> name + "(" + (flen >= 0 ? flen : 1) + ")";
      case DATETIME, TIMESTAMP, DURATION -> dec > 0 ? name + "(" + dec + ")" : name;
      case ENUM, SET -> name + "(" + c.getElems().stream()
          .map(e -> "'" + e.replace("'", "''") + "'").collect(Collectors.joining(",")) + ")";
      default -> name;
    };
    return unsigned && tp != BIT && tp != YEAR ? def + " unsigned" : def;
  }

  private static int defaultIntWidth(int tp, boolean unsigned) {
    int w = switch (tp) {
      case TINY -> 4;
      case SHORT -> 6;
      case INT24 -> 9;
      case LONG -> 11;
      default -> 20;
    };
    return unsigned && tp != LONGLONG ? w - 1 : w;
  }
}
