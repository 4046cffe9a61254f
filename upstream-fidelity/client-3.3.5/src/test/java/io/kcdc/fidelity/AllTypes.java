package io.kcdc.fidelity;

import java.util.Arrays;
import java.util.List;

/**
 * One table with every column type the SQL front supports, and the rows written to it, each
 * value as the text a MySQL client would read back ({@code x'..'} for binary and BIT columns,
 * compact JSON as the client prints it).
 */
final class AllTypes {
  static final List<String> COLUMNS = List.of("id", "c_tiny", "c_small", "c_medium", "c_int", "c_int_u",
      "c_big_u", "c_bool", "c_float", "c_double", "c_decimal", "c_date", "c_datetime", "c_timestamp",
      "c_time", "c_year", "c_char", "c_varchar", "c_tinytext", "c_text", "c_mediumtext", "c_longtext",
      "c_binary", "c_varbinary", "c_tinyblob", "c_blob", "c_mediumblob", "c_longblob", "c_enum", "c_set",
      "c_bit", "c_json");

  static final String CREATE_TABLE = "CREATE TABLE fidelity.all_types (id BIGINT PRIMARY KEY, "
      + "c_tiny TINYINT, c_small SMALLINT, c_medium MEDIUMINT, c_int INT, c_int_u INT UNSIGNED, "
      + "c_big_u BIGINT UNSIGNED, c_bool BOOL, c_float FLOAT, c_double DOUBLE, c_decimal DECIMAL(12,3), "
      + "c_date DATE, c_datetime DATETIME, c_timestamp TIMESTAMP NULL, c_time TIME, c_year YEAR, "
      + "c_char CHAR(4), c_varchar VARCHAR(32), c_tinytext TINYTEXT, c_text TEXT, c_mediumtext MEDIUMTEXT, "
      + "c_longtext LONGTEXT, c_binary BINARY(3), c_varbinary VARBINARY(8), c_tinyblob TINYBLOB, "
      + "c_blob BLOB, c_mediumblob MEDIUMBLOB, c_longblob LONGBLOB, c_enum ENUM('a','b','c'), "
      + "c_set SET('a','b','c'), c_bit BIT(8), c_json JSON, UNIQUE KEY uk_vc (c_varchar))";

  /**
   * A row as SQL text: {@code x'..'} is a hex literal, null is NULL, anything else a quoted string
   * the server converts as TiDB does. (Bytes bound through MariaDB Connector/J arrive as
   * {@code _binary'..'}, which the SQL front does not parse yet, so hex literals are used.)
   */
  record Row(String... values) {
    String insertSql() {
      StringBuilder sb = new StringBuilder("INSERT INTO fidelity.all_types VALUES (");
      for (int i = 0; i < values.length; i++) {
        String v = values[i];
        sb.append(i > 0 ? ", " : "");
        if (v == null) {
          sb.append("NULL");
        } else if (v.startsWith("x'")) {
          sb.append(v);
        } else {
          sb.append('\'').append(v.replace("\\", "\\\\").replace("'", "''")).append('\'');
        }
      }
      return sb.append(')').toString();
    }

    List<Object> expected() {
      return Arrays.asList((Object[]) values);
    }
  }

  static final List<Row> ROWS = List.of(
      new Row("1", "-128", "-32768", "-8388608", "-2147483648", "4294967295", "18446744073709551615", "1",
          "1.5", "-2.25", "123456789.125", "2024-02-29", "2024-01-02 03:04:05", "2024-05-06 07:08:09",
          "-838:59:59", "2024", "ab", "héllo", "tiny", "text", "medium", "long ✓", "x'010203'",
          "x'00c3a9'", "x'7f'", "x'626c6f62'", "x'6d'", "x'6c'", "b", "a,c", "x'05'", "{\"k\":[1,2]}"),
      new Row("2", "127", "32767", "8388607", "2147483647", "0", "0", "0", "-0.5", "1.0E100", "-0.001",
          "1000-01-01", "9999-12-31 23:59:59", "1970-01-01 00:00:01", "12:34:56", "1901", "", "", "", "", "", "",
          "x'000000'", "x''", "x''", "x''", "x''", "x''", "c", "", "x'ff'", "[]"),
      new Row(nulls("3")));

  private static String[] nulls(String id) {
    String[] v = new String[COLUMNS.size()];
    v[0] = id;
    return v;
  }

  private AllTypes() {}
}
