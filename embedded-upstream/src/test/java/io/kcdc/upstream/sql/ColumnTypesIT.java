package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.MountedValue;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.Snapshot;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every column type through JDBC: written by INSERT, read back by SELECT, and the stored row
 * bytes decoded by {@link RowDecoder} as a changefeed would, in row format v2 and the legacy v1.
 */
class ColumnTypesIT {
  /** Column type, SQL literal, SELECT text, decoded value as canal-json text. */
  private static final String[][] TYPES = {
      {"TINYINT", "-128", "-128", "-128"},
      {"TINYINT UNSIGNED", "255", "255", "255"},
      {"SMALLINT", "-32768", "-32768", "-32768"},
      {"MEDIUMINT UNSIGNED", "16777215", "16777215", "16777215"},
      {"INT", "-2147483648", "-2147483648", "-2147483648"},
      {"BIGINT", "-9223372036854775808", "-9223372036854775808", "-9223372036854775808"},
      {"BIGINT UNSIGNED", "18446744073709551615", "18446744073709551615", "18446744073709551615"},
      {"FLOAT", "1.5", "1.5", "1.5"},
      {"DOUBLE", "-2.25", "-2.25", "-2.25"},
      {"DECIMAL(10,3)", "1234567.891", "1234567.891", "1234567.891"},
      {"DATE", "'2024-02-29'", "2024-02-29", "2024-02-29"},
      // The server sends ".123"; Connector/J's getString pads DATETIME fractions to 6 digits.
      {"DATETIME(3)", "'2024-02-29 13:14:15.123'", "2024-02-29 13:14:15.123000", "2024-02-29 13:14:15.123"},
      {"TIMESTAMP(6)", "'2024-02-29 13:14:15.000001'", "2024-02-29 13:14:15.000001", "2024-02-29 13:14:15.000001"},
      {"TIME(2)", "'-12:34:56.7'", "-12:34:56.70", "-12:34:56.70"},
      {"YEAR", "2024", "2024", "2024"},
      {"CHAR(4)", "'ab'", "ab", "ab"},
      {"VARCHAR(20)", "'héllo'", "héllo", "héllo"},
      {"BINARY(3)", "'ab'", "ab\0", "ab\0"},
      {"VARBINARY(8)", "'xyz'", "xyz", "xyz"},
      {"TINYTEXT", "'t'", "t", "t"},
      {"TEXT", "'text'", "text", "text"},
      {"MEDIUMTEXT", "'medium'", "medium", "medium"},
      {"LONGTEXT", "'long'", "long", "long"},
      {"TINYBLOB", "'tb'", "tb", "tb"},
      {"BLOB", "'blob'", "blob", "blob"},
      {"MEDIUMBLOB", "'mb'", "mb", "mb"},
      {"LONGBLOB", "'lb'", "lb", "lb"},
      {"ENUM('x','y','z')", "'y'", "y", "2"},
      {"SET('a','b','c')", "'a,c'", "a,c", "5"},
      {"BIT(3)", "5", "5", "5"},
      {"JSON", "'{\"k\": [1, \"v\"]}'", "{\"k\": [1, \"v\"]}", "{\"k\": [1, \"v\"]}"},
  };
  private static EmbeddedUpstream upstream;

  @BeforeAll
  static void start() {
    upstream = EmbeddedUpstream.builder().stores(1).start();
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 1})
  void everyTypeRoundTripsThroughSelectAndTheStoredRow(int rowFormat) throws Exception {
    String table = "types_v" + rowFormat;
    StringBuilder ddl = new StringBuilder("CREATE TABLE test." + table + " (id INT PRIMARY KEY");
    StringBuilder insert = new StringBuilder("INSERT INTO test." + table + " VALUES (1");
    for (int i = 0; i < TYPES.length; i++) {
      ddl.append(", c").append(i).append(' ').append(TYPES[i][0]);
      insert.append(", ").append(TYPES[i][1]);
    }
    List<String> selected = new ArrayList<>();
    List<String> nulls = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement st = c.createStatement()) {
      st.execute("SET tidb_row_format_version = " + rowFormat);
      st.execute(ddl.append(")").toString());
      st.execute(insert.append(")").toString());
      st.execute("INSERT INTO test." + table + " (id) VALUES (2)");
      try (ResultSet rs = st.executeQuery("SELECT * FROM test." + table + " ORDER BY id")) {
        rs.next();
        for (int i = 0; i < TYPES.length; i++) {
          selected.add(TYPES[i][0] + "=" + (TYPES[i][0].startsWith("BIT") ? Long.toString(rs.getLong(i + 2)) : rs.getString(i + 2)));
        }
        rs.next();
        for (int i = 0; i < TYPES.length; i++) {
          nulls.add(rs.getString(i + 2));
        }
      }
    }
    List<String> expectedSelect = new ArrayList<>();
    List<String> expectedDecoded = new ArrayList<>();
    for (String[] t : TYPES) {
      expectedSelect.add(t[0] + "=" + t[2]);
      expectedDecoded.add(t[0] + "=" + t[3]);
    }
    assertThat(selected).containsExactlyElementsOf(expectedSelect);
    assertThat(nulls).containsOnlyNulls();

    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    DBInfo db = Catalog.database(snap, "test").orElseThrow();
    TableInfo info = Catalog.table(snap, db.id(), table).orElseThrow();
    byte[] key = TableCodec.recordKey(info.id(), 1);
    byte[] value = snap.get(key).orElseThrow();
    // v2 rows start with the codec version byte 128; v1 rows are datum pairs.
    assertThat(value[0] == (byte) 128).isEqualTo(rowFormat == 2);
    Object[] decoded = RowDecoder.decode(info, key, value);
    List<String> decodedText = new ArrayList<>();
    for (int i = 0; i < TYPES.length; i++) {
      ColumnInfo col = info.columns().get(i + 1);
      decodedText.add(TYPES[i][0] + "=" + MountedValue.toText(decoded[col.offset()], col.type()));
    }
    assertThat(decodedText).containsExactlyElementsOf(expectedDecoded);
  }
}
