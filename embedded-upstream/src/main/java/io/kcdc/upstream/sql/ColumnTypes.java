package io.kcdc.upstream.sql;

import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.FieldType;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL type names to TiDB {@link FieldType}s with the lengths and charsets TiDB fills in
 * ({@code mysql.GetDefaultFieldLengthAndDecimal}, binary charset for non-string types).
 */
public final class ColumnTypes {
  private static final Pattern TYPE = Pattern.compile("^\\s*(\\w+)\\s*(?:\\(([^)]*)\\))?(.*)$");

  private ColumnTypes() {}

  /**
   * Parses a type such as {@code INT UNSIGNED}, {@code VARCHAR (20)}, {@code DECIMAL (10, 2)};
   * {@code extraWords} are column options that belong to the type (UNSIGNED, ZEROFILL, BINARY).
   */
  public static FieldType parse(String dataType, List<String> extraWords) {
    return parse(dataType, null, extraWords);
  }

  /**
   * As {@link #parse(String, List)}; {@code elements} are the quoted members of ENUM/SET, which
   * the parser keeps apart from the type name.
   */
  public static FieldType parse(String dataType, List<String> elements, List<String> extraWords) {
    String head = dataType.trim().toUpperCase(Locale.ROOT);
    if ((head.equals("ENUM") || head.equals("SET")) && elements != null && !elements.isEmpty()) {
      List<String> elems = elements.stream().map(ColumnTypes::unquoteElement).toList();
      int tp = head.equals("ENUM") ? MysqlType.TYPE_ENUM : MysqlType.TYPE_SET;
      if (tp == MysqlType.TYPE_SET && elems.size() > 64) {
        throw new SqlException(1097, "HY000", "Too many strings for column SET");
      }
      return FieldType.of(tp).withElems(elems);
    }
    if (head.equals("JSON")) {
      return FieldType.of(MysqlType.TYPE_JSON).withFlag(MysqlFlag.BINARY);
    }
    Matcher m = TYPE.matcher(dataType);
    if (!m.matches()) {
      throw SqlException.parse("bad type " + dataType);
    }
    String base = m.group(1).toUpperCase(Locale.ROOT);
    int[] args = args(m.group(2));
    String rest = (m.group(3) + " " + String.join(" ", extraWords)).toUpperCase(Locale.ROOT);
    boolean unsigned = rest.contains("UNSIGNED");
    boolean binaryAttr = rest.matches(".*\\bBINARY\\b.*");
    int flag = unsigned ? MysqlFlag.UNSIGNED : 0;
    if (rest.contains("ZEROFILL")) {
      flag |= MysqlFlag.ZEROFILL | MysqlFlag.UNSIGNED;
    }
    FieldType ft =
        switch (base) {
          case "TINYINT", "BOOL", "BOOLEAN" -> integer(MysqlType.TYPE_TINY, base.startsWith("BOOL") ? 1 : 4, flag);
          case "SMALLINT" -> integer(MysqlType.TYPE_SHORT, 6, flag);
          case "MEDIUMINT" -> integer(MysqlType.TYPE_INT24, 9, flag);
          case "INT", "INTEGER" -> integer(MysqlType.TYPE_LONG, 11, flag);
          case "BIGINT" -> integer(MysqlType.TYPE_LONGLONG, 20, flag);
          case "DOUBLE", "REAL" -> numeric(MysqlType.TYPE_DOUBLE, 22, -1, flag, args);
          case "FLOAT" -> numeric(MysqlType.TYPE_FLOAT, 12, -1, flag, args);
          case "DECIMAL", "NUMERIC", "DEC" -> decimal(flag, args);
          case "DATE" -> time(MysqlType.TYPE_DATE, 10, 0);
          case "DATETIME" -> time(MysqlType.TYPE_DATETIME, 19, fsp(args));
          case "TIMESTAMP" -> time(MysqlType.TYPE_TIMESTAMP, 19, fsp(args));
          case "TIME" -> time(MysqlType.TYPE_DURATION, 10, fsp(args));
          case "BIT" -> {
            int width = args.length > 0 ? args[0] : 1;
            if (width < 1 || width > 64) {
              throw new SqlException(1439, "42000", "Display width out of range for column (max = 64)");
            }
            yield FieldType.of(MysqlType.TYPE_BIT).withLength(width, 0).withFlag(MysqlFlag.UNSIGNED);
          }
          case "YEAR" -> FieldType.of(MysqlType.TYPE_YEAR).withLength(4, 0).withFlag(MysqlFlag.UNSIGNED | MysqlFlag.ZEROFILL);
          case "CHAR", "CHARACTER" -> text(MysqlType.TYPE_STRING, args.length > 0 ? args[0] : 1, binaryAttr);
          case "VARCHAR" -> text(MysqlType.TYPE_VARCHAR, required(args, base), binaryAttr);
          case "TINYTEXT" -> text(MysqlType.TYPE_TINY_BLOB, 255, binaryAttr);
          case "TEXT" -> text(MysqlType.TYPE_BLOB, 65535, binaryAttr);
          case "MEDIUMTEXT" -> text(MysqlType.TYPE_MEDIUM_BLOB, 16777215, binaryAttr);
          case "LONGTEXT" -> text(MysqlType.TYPE_LONG_BLOB, -1, binaryAttr);
          case "BINARY" -> binary(MysqlType.TYPE_STRING, args.length > 0 ? args[0] : 1);
          case "VARBINARY" -> binary(MysqlType.TYPE_VARCHAR, required(args, base));
          case "TINYBLOB" -> binary(MysqlType.TYPE_TINY_BLOB, 255);
          case "BLOB" -> binary(MysqlType.TYPE_BLOB, 65535);
          case "MEDIUMBLOB" -> binary(MysqlType.TYPE_MEDIUM_BLOB, 16777215);
          case "LONGBLOB" -> binary(MysqlType.TYPE_LONG_BLOB, -1);
          default -> throw SqlException.unsupported("column type " + base);
        };
    return ft;
  }

  private static String unquoteElement(String quoted) {
    String t = quoted.trim();
    if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') && t.charAt(t.length() - 1) == t.charAt(0)) {
      char q = t.charAt(0);
      t = t.substring(1, t.length() - 1).replace("" + q + q, "" + q).replace("\\" + q, "" + q);
    }
    return t;
  }

  private static int[] args(String s) {
    if (s == null || s.isBlank()) {
      return new int[0];
    }
    String[] parts = s.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
    }
    return out;
  }

  private static int required(int[] args, String type) {
    if (args.length == 0) {
      throw SqlException.parse("type " + type + " needs a length");
    }
    return args[0];
  }

  private static int fsp(int[] args) {
    return args.length > 0 ? args[0] : 0;
  }

  private static FieldType integer(int tp, int flen, int flag) {
    return FieldType.of(tp).withLength(flen, 0).withFlag(flag);
  }

  private static FieldType numeric(int tp, int flen, int dec, int flag, int[] args) {
    if (args.length == 2) {
      return FieldType.of(tp).withLength(args[0], args[1]).withFlag(flag);
    }
    return FieldType.of(tp).withLength(flen, dec).withFlag(flag);
  }

  private static FieldType decimal(int flag, int[] args) {
    int precision = args.length > 0 ? args[0] : 10;
    int frac = args.length > 1 ? args[1] : 0;
    if (precision > 65 || frac > 30 || frac > precision) {
      throw new SqlException(1426, "42000", "Too-big precision " + precision + " for DECIMAL");
    }
    return FieldType.of(MysqlType.TYPE_NEWDECIMAL).withLength(precision, frac).withFlag(flag);
  }

  private static FieldType time(int tp, int flen, int fsp) {
    int len = fsp > 0 ? flen + 1 + fsp : flen;
    return FieldType.of(tp).withLength(len, fsp);
  }

  private static FieldType text(int tp, int flen, boolean binaryCollation) {
    FieldType ft = FieldType.of(tp).withLength(flen, 0);
    // CHAR(3) BINARY is a text column with the binary collation of its charset.
    return binaryCollation ? ft.withFlag(MysqlFlag.BINARY) : ft;
  }

  private static FieldType binary(int tp, int flen) {
    return FieldType.of(tp)
        .withLength(flen, 0)
        .withCharset(FieldType.BINARY_CHARSET, FieldType.BINARY_CHARSET)
        .withFlag(MysqlFlag.BINARY);
  }
}
