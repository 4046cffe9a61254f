package io.kcdc.streams.codec;

/**
 * MySQL type bytes (TiDB {@code mysql.Type*}) that the encoders switch on.
 * TODO(common): replace with io.kcdc.tidb.MysqlType once the shared constants are published.
 */
final class MysqlTypes {
  static final int DECIMAL = 0x00;
  static final int TINY = 0x01;
  static final int SHORT = 0x02;
  static final int LONG = 0x03;
  static final int FLOAT = 0x04;
  static final int DOUBLE = 0x05;
  static final int NULL = 0x06;
  static final int TIMESTAMP = 0x07;
  static final int LONGLONG = 0x08;
  static final int INT24 = 0x09;
  static final int DATE = 0x0a;
  static final int DURATION = 0x0b;
  static final int DATETIME = 0x0c;
  static final int YEAR = 0x0d;
  static final int NEWDATE = 0x0e;
  static final int VARCHAR = 0x0f;
  static final int BIT = 0x10;
  static final int VECTOR_FLOAT32 = 0xe1;
  static final int JSON = 0xf5;
  static final int NEWDECIMAL = 0xf6;
  static final int ENUM = 0xf7;
  static final int SET = 0xf8;
  static final int TINY_BLOB = 0xf9;
  static final int MEDIUM_BLOB = 0xfa;
  static final int LONG_BLOB = 0xfb;
  static final int BLOB = 0xfc;
  static final int VAR_STRING = 0xfd;
  static final int STRING = 0xfe;
  static final int GEOMETRY = 0xff;

  private MysqlTypes() {}

  static boolean isBlob(int tp) {
    return tp >= TINY_BLOB && tp <= BLOB;
  }

  /** TiDB's {@code types.TypeToStr} without the charset rewrite. */
  static String name(int tp) {
    return switch (tp) {
      case BIT -> "bit";
      case BLOB -> "text";
      case DATE, NEWDATE -> "date";
      case DATETIME -> "datetime";
      case DECIMAL, NEWDECIMAL -> "decimal";
      case DOUBLE -> "double";
      case ENUM -> "enum";
      case FLOAT -> "float";
      case GEOMETRY -> "geometry";
      case INT24 -> "mediumint";
      case JSON -> "json";
      case LONG -> "int";
      case LONGLONG -> "bigint";
      case LONG_BLOB -> "longtext";
      case MEDIUM_BLOB -> "mediumtext";
      case NULL -> "null";
      case SET -> "set";
      case SHORT -> "smallint";
      case STRING -> "char";
      case DURATION -> "time";
      case TIMESTAMP -> "timestamp";
      case TINY -> "tinyint";
      case TINY_BLOB -> "tinytext";
      case VARCHAR, VAR_STRING -> "varchar";
      case YEAR -> "year";
      case VECTOR_FLOAT32 -> "vector";
      default -> "unspecified";
    };
  }
}
