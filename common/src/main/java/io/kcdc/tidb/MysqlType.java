package io.kcdc.tidb;

/** MySQL/TiDB column type bytes ({@code FieldType.Tp}) and the predicates codecs switch on. */
public final class MysqlType {
  public static final int TYPE_DECIMAL = 0;
  public static final int TYPE_TINY = 1;
  public static final int TYPE_SHORT = 2;
  public static final int TYPE_LONG = 3;
  public static final int TYPE_FLOAT = 4;
  public static final int TYPE_DOUBLE = 5;
  public static final int TYPE_NULL = 6;
  public static final int TYPE_TIMESTAMP = 7;
  public static final int TYPE_LONGLONG = 8;
  public static final int TYPE_INT24 = 9;
  public static final int TYPE_DATE = 10;
  /** TIME. */
  public static final int TYPE_DURATION = 11;
  public static final int TYPE_DATETIME = 12;
  public static final int TYPE_YEAR = 13;
  public static final int TYPE_NEWDATE = 14;
  public static final int TYPE_VARCHAR = 15;
  public static final int TYPE_BIT = 16;
  public static final int TYPE_TIDB_VECTOR_FLOAT32 = 0xe1;
  public static final int TYPE_JSON = 0xf5;
  public static final int TYPE_NEWDECIMAL = 0xf6;
  public static final int TYPE_ENUM = 0xf7;
  public static final int TYPE_SET = 0xf8;
  public static final int TYPE_TINY_BLOB = 0xf9;
  public static final int TYPE_MEDIUM_BLOB = 0xfa;
  public static final int TYPE_LONG_BLOB = 0xfb;
  public static final int TYPE_BLOB = 0xfc;
  public static final int TYPE_VAR_STRING = 0xfd;
  /** CHAR (BINARY with the binary charset). */
  public static final int TYPE_STRING = 0xfe;
  public static final int TYPE_GEOMETRY = 0xff;

  private MysqlType() {}

  /** TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT (not YEAR, not BIT). */
  public static boolean isInteger(int tp) {
    return tp == TYPE_TINY || tp == TYPE_SHORT || tp == TYPE_INT24 || tp == TYPE_LONG
        || tp == TYPE_LONGLONG;
  }

  public static boolean isFloat(int tp) {
    return tp == TYPE_FLOAT || tp == TYPE_DOUBLE;
  }

  public static boolean isDecimal(int tp) {
    return tp == TYPE_NEWDECIMAL || tp == TYPE_DECIMAL;
  }

  /** DATE, DATETIME, TIMESTAMP: values are packed times. */
  public static boolean isTime(int tp) {
    return tp == TYPE_DATE || tp == TYPE_DATETIME || tp == TYPE_TIMESTAMP || tp == TYPE_NEWDATE;
  }

  public static boolean isBlob(int tp) {
    return tp == TYPE_TINY_BLOB || tp == TYPE_MEDIUM_BLOB || tp == TYPE_LONG_BLOB
        || tp == TYPE_BLOB;
  }

  /** CHAR or VARCHAR (BINARY/VARBINARY with the binary charset). */
  public static boolean isChar(int tp) {
    return tp == TYPE_STRING || tp == TYPE_VARCHAR;
  }

  /** Byte-string types: CHAR, VARCHAR, VAR_STRING and the TEXT/BLOB family. */
  public static boolean isString(int tp) {
    return isChar(tp) || tp == TYPE_VAR_STRING || isBlob(tp);
  }

  /** Types whose mounted value is an unsigned bit pattern regardless of the UNSIGNED flag. */
  public static boolean isAlwaysUnsigned(int tp) {
    return tp == TYPE_ENUM || tp == TYPE_SET || tp == TYPE_BIT;
  }

  /**
   * TiDB's {@code TypeToStr}: the base type name canal-json puts in {@code mysqlType}. The binary
   * charset turns text into blob and char into binary.
   */
  public static String baseName(int tp, boolean binaryCharset) {
    String name = switch (tp) {
      case TYPE_DECIMAL -> "unspecified";
      case TYPE_TINY -> "tinyint";
      case TYPE_SHORT -> "smallint";
      case TYPE_LONG -> "int";
      case TYPE_FLOAT -> "float";
      case TYPE_DOUBLE -> "double";
      case TYPE_NULL -> "null";
      case TYPE_TIMESTAMP -> "timestamp";
      case TYPE_LONGLONG -> "bigint";
      case TYPE_INT24 -> "mediumint";
      case TYPE_DATE, TYPE_NEWDATE -> "date";
      case TYPE_DURATION -> "time";
      case TYPE_DATETIME -> "datetime";
      case TYPE_YEAR -> "year";
      case TYPE_VARCHAR -> "varchar";
      case TYPE_BIT -> "bit";
      case TYPE_TIDB_VECTOR_FLOAT32 -> "vector";
      case TYPE_JSON -> "json";
      case TYPE_NEWDECIMAL -> "decimal";
      case TYPE_ENUM -> "enum";
      case TYPE_SET -> "set";
      case TYPE_TINY_BLOB -> "tinytext";
      case TYPE_MEDIUM_BLOB -> "mediumtext";
      case TYPE_LONG_BLOB -> "longtext";
      case TYPE_BLOB -> "text";
      case TYPE_VAR_STRING -> "var_string";
      case TYPE_STRING -> "char";
      case TYPE_GEOMETRY -> "geometry";
      default -> "";
    };
    if (!binaryCharset) {
      return name;
    }
    if (isBlob(tp)) {
      return name.replaceFirst("text", "blob");
    }
    if (isChar(tp)) {
      return name.replaceFirst("char", "binary");
    }
    return name;
  }
}
