package io.kcdc.streams.codec;

import static io.kcdc.tidb.MysqlType.*;

import io.kcdc.avro.ColumnDef;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.MysqlType;
import java.util.stream.Collectors;

/**
 * canal-json's {@code sqlType} (java.sql.Types) and {@code mysqlType} of a column
 * (docs/output-formats.md#canal-json).
 */
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
      case TYPE_BIT, TYPE_SET -> JAVA_BIT;
      case TYPE_TINY -> JAVA_TINYINT;
      case TYPE_SHORT -> JAVA_SMALLINT;
      case TYPE_INT24, TYPE_LONG, TYPE_ENUM -> JAVA_INTEGER;
      case TYPE_LONGLONG -> JAVA_BIGINT;
      case TYPE_FLOAT -> JAVA_REAL;
      case TYPE_DOUBLE -> JAVA_DOUBLE;
      case TYPE_DECIMAL, TYPE_NEWDECIMAL -> JAVA_DECIMAL;
      case TYPE_NULL -> JAVA_NULL;
      case TYPE_TIMESTAMP, TYPE_DATETIME -> JAVA_TIMESTAMP;
      case TYPE_DATE, TYPE_NEWDATE -> JAVA_DATE;
      case TYPE_DURATION -> JAVA_TIME;
      case TYPE_STRING -> binary ? JAVA_BLOB : JAVA_CHAR;
      case TYPE_VARCHAR, TYPE_VAR_STRING -> binary ? JAVA_BLOB : JAVA_VARCHAR;
      case TYPE_TINY_BLOB, TYPE_MEDIUM_BLOB, TYPE_LONG_BLOB, TYPE_BLOB -> binary ? JAVA_BLOB : JAVA_CLOB;
      case TYPE_GEOMETRY -> JAVA_BLOB;
      default -> JAVA_VARCHAR; // YEAR, JSON, VECTOR and anything newer
    };
    if (!t.isUnsigned(i) || !(value instanceof Long number)) {
      return base;
    }
    return switch (tp) {
      case TYPE_TINY -> Long.compareUnsigned(number, Byte.MAX_VALUE) > 0 ? JAVA_SMALLINT : base;
      case TYPE_SHORT -> Long.compareUnsigned(number, Short.MAX_VALUE) > 0 ? JAVA_INTEGER : base;
      case TYPE_LONG -> Long.compareUnsigned(number, Integer.MAX_VALUE) > 0 ? JAVA_BIGINT : base;
      case TYPE_LONGLONG -> number < 0 ? JAVA_DECIMAL : base;
      default -> base;
    };
  }

  /** TiCDC's {@code GetMySQLType}: base name (binary charset rewritten) plus unsigned/zerofill, or the full definition. */
  static String mysqlType(TableInfo t, int i, boolean fullType) {
    ColumnDef c = t.column(i);
    int tp = c.getType();
    String result = fullType ? fullType(t, i) : baseName(tp, isBinary(t, i));
    if (!fullType && t.isUnsigned(i) && tp != TYPE_BIT && tp != TYPE_YEAR) {
      result += " unsigned";
    }
    if (t.isZerofill(i) && tp != TYPE_BIT && tp != TYPE_YEAR) {
      result += " zerofill";
    }
    return result;
  }

  private static String baseName(int tp, boolean binary) {
    return MysqlType.baseName(tp, binary);
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
      case TYPE_TINY, TYPE_SHORT, TYPE_INT24, TYPE_LONG, TYPE_LONGLONG -> name + "(" + (flen > 0 ? flen : defaultIntWidth(tp, unsigned)) + ")";
      case TYPE_BIT -> name + "(" + (flen > 0 ? flen : 1) + ")";
      case TYPE_YEAR -> name + "(" + (flen > 0 ? flen : 4) + ")";
      case TYPE_DECIMAL, TYPE_NEWDECIMAL -> name + "(" + (flen > 0 ? flen : 10) + "," + Math.max(dec, 0) + ")";
      case TYPE_FLOAT, TYPE_DOUBLE -> flen > 0 && dec >= 0 ? name + "(" + flen + "," + dec + ")" : name;
      case TYPE_STRING, TYPE_VARCHAR, TYPE_VAR_STRING -> name + "(" + (flen >= 0 ? flen : 1) + ")";
      case TYPE_DATETIME, TYPE_TIMESTAMP, TYPE_DURATION -> dec > 0 ? name + "(" + dec + ")" : name;
      case TYPE_ENUM, TYPE_SET -> name + "(" + c.getElems().stream()
          .map(e -> "'" + e.replace("'", "''") + "'").collect(Collectors.joining(",")) + ")";
      default -> name;
    };
    return unsigned && tp != TYPE_BIT && tp != TYPE_YEAR ? def + " unsigned" : def;
  }

  private static int defaultIntWidth(int tp, boolean unsigned) {
    int w = switch (tp) {
      case TYPE_TINY -> 4;
      case TYPE_SHORT -> 6;
      case TYPE_INT24 -> 9;
      case TYPE_LONG -> 11;
      default -> 20;
    };
    return unsigned && tp != TYPE_LONGLONG ? w - 1 : w;
  }
}
