package io.kcdc.streams.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.sink.SinkConfigException;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The value-expression evaluator: each construct, three-valued logic and MySQL's type conversions. */
class ValueExpressionTest {
  private static final String[] NAMES = {"id", "name", "ci", "price", "f", "d", "u", "dt", "dd", "tm", "e", "bin", "s"};

  private static ColumnDef col(long id, String name, int type, int flag, String collation, List<String> elems) {
    return ColumnDef.newBuilder().setId(id).setName(name).setType(type).setFlag(flag).setMysqlFlag(0).setFlen(-1)
        .setDecimal(-1).setCharset(collation.equals("binary") ? "binary" : "utf8mb4").setCollation(collation)
        .setElems(elems).build();
  }

  /**
   * {@code test.t(id bigint, name varchar utf8mb4_bin, ci varchar utf8mb4_general_ci, price decimal(10,2), f float,
   * d double, u bigint unsigned, dt datetime(3), dd date, tm time, e enum('a','b'), bin varbinary, s set('x','y'))}.
   */
  static final TableInfo T = new TableInfo(TableSchema.newBuilder().setTableId(1).setSchemaVersion(1)
      .setSchemaName("test").setTableName("t").setIndexes(List.of())
      .setColumns(List.of(
          col(1, "id", MysqlType.TYPE_LONGLONG, ColumnFlag.PRIMARY_KEY | ColumnFlag.HANDLE_KEY, "binary", List.of()),
          col(2, "name", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, "utf8mb4_bin", List.of()),
          col(3, "ci", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, "utf8mb4_general_ci", List.of()),
          col(4, "price", MysqlType.TYPE_NEWDECIMAL, ColumnFlag.NULLABLE, "binary", List.of()),
          col(5, "f", MysqlType.TYPE_FLOAT, ColumnFlag.NULLABLE, "binary", List.of()),
          col(6, "d", MysqlType.TYPE_DOUBLE, ColumnFlag.NULLABLE, "binary", List.of()),
          col(7, "u", MysqlType.TYPE_LONGLONG, ColumnFlag.UNSIGNED | ColumnFlag.NULLABLE, "binary", List.of()),
          col(8, "dt", MysqlType.TYPE_DATETIME, ColumnFlag.NULLABLE, "binary", List.of()),
          col(9, "dd", MysqlType.TYPE_DATE, ColumnFlag.NULLABLE, "binary", List.of()),
          col(10, "tm", MysqlType.TYPE_DURATION, ColumnFlag.NULLABLE, "binary", List.of()),
          col(11, "e", MysqlType.TYPE_ENUM, ColumnFlag.NULLABLE, "utf8mb4_bin", List.of("a", "b")),
          col(12, "bin", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE | ColumnFlag.BINARY, "binary", List.of()),
          col(13, "s", MysqlType.TYPE_SET, ColumnFlag.NULLABLE, "utf8mb4_bin", List.of("x", "y"))))
      .build());

  /** A row of {@link #T} as the mounter writes it, with {@code name=value} overrides. */
  static List<Object> row(Object... overrides) {
    List<Object> r = new ArrayList<>(Arrays.asList(100L, bytes("alice"), bytes("Bob"), "12.50", 1.5f, 2.25d, -1L,
        "2024-03-01 10:20:30.000", "2024-03-01", "-01:02:03", 2L, new byte[] {(byte) 0xff, 'A'}, 3L));
    for (int i = 0; i < overrides.length; i += 2) {
      Object v = overrides[i + 1];
      r.set(Arrays.asList(NAMES).indexOf((String) overrides[i]), v instanceof String s && isText((String) overrides[i])
          ? bytes(s) : v);
    }
    return r;
  }

  private static boolean isText(String column) {
    return column.equals("name") || column.equals("ci");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Object eval(String expr, List<Object> row) {
    return ValueExpression.parse(expr).bind(T).eval(row);
  }

  private static Object eval(String expr) {
    return eval(expr, row());
  }

  private static boolean matches(String expr, List<Object> row) {
    return ValueExpression.parse(expr).bind(T).matches(row);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "id = 100|1", "id = 101|0", "id <> 100|0", "id != 101|1", "id < 101|1", "id <= 100|1", "id > 100|0",
      "id >= 100|1", "id <=> 100|1", "NULL <=> NULL|1", "id <=> NULL|0",
      "name = 'alice'|1", "name = \"alice\"|1", "name < 'bob'|1", "`Name` = 'alice'|1", "t.id = 100|1",
      "NAME = 'alice'|1", "name = 'alice   '|1", "name = 'ALICE'|0"})
  void comparisons(String expr, long expected) {
    assertThat(eval(expr)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "id = 100 AND name = 'alice';1", "id = 100 AND name = 'x';0", "id = 1 OR name = 'alice';1",
      "id = 1 OR name = 'x';0", "id = 100 XOR name = 'alice';0", "id = 100 XOR name = 'x';1", "NOT id = 100;0",
      "NOT (id = 1);1", "!(id = 1);1", "!0;1", "id = 100 && name = 'alice';1", "id = 1 || name = 'alice';1",
      "id = 1 || name = 'x';0",
      // MySQL precedence: AND > XOR > OR
      "1 XOR 1 OR 1;1", "1 OR 1 XOR 1;1", "0 XOR 1 AND 0;0", "1 XOR 0 OR 0 XOR 0;1", "(1 OR 1) XOR 1;0",
      "1 XOR 1 XOR 1;1", "0 OR 0 XOR 1 OR 0;1"})
  void logic(String expr, long expected) {
    assertThat(eval(expr)).isEqualTo(expected);
  }

  @Test
  void threeValuedLogic() {
    List<Object> nulls = row("name", null, "price", null);
    assertThat(eval("name = 'x'", nulls)).isNull();
    assertThat(eval("name = 'x' AND id = 100", nulls)).isNull();
    assertThat(eval("name = 'x' AND id = 1", nulls)).isEqualTo(0L);
    assertThat(eval("name = 'x' OR id = 100", nulls)).isEqualTo(1L);
    assertThat(eval("name = 'x' OR id = 1", nulls)).isNull();
    assertThat(eval("NOT name = 'x'", nulls)).isNull();
    assertThat(eval("name = 'x' XOR 1", nulls)).isNull();
    assertThat(eval("name IS NULL", nulls)).isEqualTo(1L);
    assertThat(eval("name IS NOT NULL", nulls)).isEqualTo(0L);
    assertThat(eval("price + 1", nulls)).isNull();
    assertThat(eval("name IN ('a', 'b')", nulls)).isNull();
    assertThat(eval("id IN (1, NULL)")).isNull();
    assertThat(eval("id IN (100, NULL)")).isEqualTo(1L);
    assertThat(eval("id NOT IN (1, NULL)")).isNull();
    assertThat(eval("name BETWEEN 'a' AND 'z'", nulls)).isNull();
    assertThat(eval("id BETWEEN 200 AND NULL")).isEqualTo(0L);
    assertThat(eval("name LIKE 'a%'", nulls)).isNull();
    assertThat(eval("(name = 'x') IS TRUE", nulls)).isEqualTo(0L);
    assertThat(eval("(name = 'x') IS NOT FALSE", nulls)).isEqualTo(1L);
    // NULL does not ignore the row, neither does NOT NULL
    assertThat(matches("name = 'x'", nulls)).isFalse();
    assertThat(matches("NOT (name = 'x')", nulls)).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "id IN (1, 100)|1", "id IN (1, 2)|0", "id NOT IN (1, 2)|1", "id IN (100)|1", "name IN ('bob', 'alice')|1",
      "id BETWEEN 100 AND 200|1", "id BETWEEN 101 AND 200|0", "id NOT BETWEEN 1 AND 99|1",
      "name BETWEEN 'a' AND 'b'|1", "id IS NULL|0", "id IS NOT NULL|1", "id IS TRUE|1", "0 IS FALSE|1",
      "id IS NOT TRUE|0"})
  void inBetweenIs(String expr, long expected) {
    assertThat(eval(expr)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "name LIKE 'a%'|1", "name LIKE 'A%'|0", "name LIKE '_lice'|1", "name LIKE '__ice'|1", "name LIKE 'alice_'|0",
      "name LIKE '%li%'|1", "name NOT LIKE '%z%'|1", "name LIKE '%'|1", "'a%b' LIKE 'a\\%b'|1",
      "'axb' LIKE 'a\\%b'|0", "'a_b' LIKE 'a!_b' ESCAPE '!'|1", "'axb' LIKE 'a!_b' ESCAPE '!'|0",
      "ci LIKE 'b%'|1", "id LIKE '10%'|1", "'abc' LIKE 'a%c%'|1", "'ab' LIKE 'a%%b'|1"})
  void like(String expr, long expected) {
    assertThat(eval(expr)).isEqualTo(expected);
  }

  @Test
  void arithmetic() {
    assertThat(eval("id + 1")).isEqualTo(101L);
    assertThat(eval("id - 150")).isEqualTo(-50L);
    assertThat(eval("id * 3")).isEqualTo(300L);
    assertThat(eval("7 / 2")).isEqualTo(new BigDecimal("3.5000"));
    assertThat(eval("7 DIV 2")).isEqualTo(3L);
    assertThat(eval("-7 DIV 2")).isEqualTo(-3L);
    assertThat(eval("7 % 3")).isEqualTo(1L);
    assertThat(eval("-7 % 3")).isEqualTo(-1L);
    assertThat(eval("id / 0")).isNull();
    assertThat(eval("id % 0")).isNull();
    assertThat(eval("-id")).isEqualTo(-100L);
    assertThat(eval("-(-id)")).isEqualTo(100L);
    assertThat(eval("1 + 2 * 3 - 4")).isEqualTo(3L);
    assertThat(eval("(1 + 2) * 3")).isEqualTo(9L);
    assertThat(eval("price * 2")).isEqualTo(new BigDecimal("25.00"));
    assertThat(eval("1.5e0 + 1")).isEqualTo(2.5);
    assertThat(eval("'3' + 4")).isEqualTo(7.0);
    assertThat(eval("9223372036854775807 + 1")).isEqualTo(new java.math.BigInteger("9223372036854775808"));
    assertThat(eval("id % 3 = 1")).isEqualTo(1L);
  }

  @Test
  void numericAndStringComparisonsConvertAsMySql() {
    assertThat(eval("id = '100'")).isEqualTo(1L);
    assertThat(eval("id = '100abc'")).isEqualTo(1L);
    assertThat(eval("id > '99'")).isEqualTo(1L); // numerically, not as strings
    assertThat(eval("name = 0")).isEqualTo(1L); // 'alice' is 0 as a number
    assertThat(eval("'1e2' = 100")).isEqualTo(1L);
    assertThat(eval("' 12' = 12")).isEqualTo(1L);
    // DECIMAL exactly
    assertThat(eval("price = 12.5")).isEqualTo(1L);
    assertThat(eval("price = '12.5'")).isEqualTo(1L);
    assertThat(eval("price > 12.49")).isEqualTo(1L);
    assertThat(eval("0.1 + 0.2 = 0.3")).isEqualTo(1L);
    // doubles as doubles
    assertThat(eval("f = 1.5")).isEqualTo(1L);
    assertThat(eval("d > 2.2")).isEqualTo(1L);
    // BIGINT UNSIGNED 18446744073709551615
    assertThat(eval("u = 18446744073709551615")).isEqualTo(1L);
    assertThat(eval("u > 0")).isEqualTo(1L);
    assertThat(eval("u > 9223372036854775807")).isEqualTo(1L);
  }

  @Test
  void collations() {
    assertThat(eval("ci = 'BOB'")).isEqualTo(1L); // utf8mb4_general_ci
    assertThat(eval("'BOB' = ci")).isEqualTo(1L);
    assertThat(eval("ci = 'bob  '")).isEqualTo(1L); // PAD SPACE
    assertThat(eval("name = 'Alice'")).isEqualTo(0L); // utf8mb4_bin
    assertThat(eval("bin = 'A'")).isEqualTo(0L); // binary: bytes 0xff 'A'
    assertThat(eval("bin > 'A'")).isEqualTo(1L);
  }

  @Test
  void temporalsCompareInCanonicalForm() {
    assertThat(eval("dt = '2024-03-01 10:20:30'")).isEqualTo(1L);
    assertThat(eval("dt = '2024-3-1 10:20:30.000000'")).isEqualTo(1L);
    assertThat(eval("dt > '2024-03-01'")).isEqualTo(1L);
    assertThat(eval("dt < '2024-03-02'")).isEqualTo(1L);
    assertThat(eval("dd = '2024-03-01 00:00:00'")).isEqualTo(1L);
    assertThat(eval("dd BETWEEN '2024-01-01' AND '2024-12-31'")).isEqualTo(1L);
    assertThat(eval("dd = 20240301")).isEqualTo(1L);
    assertThat(eval("tm = '-01:02:03'")).isEqualTo(1L);
    assertThat(eval("tm < '00:00:00'")).isEqualTo(1L);
    assertThat(eval("dt LIKE '2024-03%'")).isEqualTo(1L);
  }

  @Test
  void enumsAndSetsCompareByNameOrNumber() {
    assertThat(eval("e = 'b'")).isEqualTo(1L);
    assertThat(eval("e = 2")).isEqualTo(1L);
    assertThat(eval("e IN ('a', 'c')")).isEqualTo(0L);
    assertThat(eval("s = 'x,y'")).isEqualTo(1L);
    assertThat(eval("s = 3")).isEqualTo(1L);
  }

  @Test
  void literals() {
    assertThat(eval("TRUE")).isEqualTo(1L);
    assertThat(eval("FALSE")).isEqualTo(0L);
    assertThat(eval("NULL")).isNull();
    assertThat(eval("'it''s' = \"it's\"")).isEqualTo(1L);
    assertThat(eval("'it\\'s' = 'it''s'")).isEqualTo(1L);
    assertThat(eval("1.50")).isEqualTo(new BigDecimal("1.50"));
    assertThat(eval("'a\\tb'")).isEqualTo(SqlValues.Text.literal("a\tb"));
    assertThat(eval("'a || b' = 'a || b'")).isEqualTo(1L);
  }

  @Test
  void onlyTheIntegerOneIgnoresTheRow() {
    assertThat(matches("id = 100", row())).isTrue();
    assertThat(matches("id = 1", row())).isFalse();
    assertThat(matches("1", row())).isTrue();
    assertThat(matches("2", row())).isFalse(); // TiCDC: d.GetInt64() == 1
    assertThat(matches("NULL", row())).isFalse();
    assertThat(matches("'1'", row())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"id >=", "id = 1; drop table t", "id = = 1", "", "   ", "id = 1 GROUP BY id"})
  void syntaxErrorsAreInvalidFilterExpressions(String expr) {
    assertThatThrownBy(() -> ValueExpression.parse(expr))
        .isInstanceOfSatisfying(SinkConfigException.class, e -> {
          assertThat(e.code()).isEqualTo("CDC:ErrInvalidFilterExpression");
          assertThat(e.detail()).isEqualTo("invalid filter expressions. There is a syntax error in: '" + expr + "'");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"abs(id) = 1", "id IN (SELECT 1)", "CASE WHEN id = 1 THEN 1 END", "~id = 1",
      "x'0A' = bin", "b'1' = id", "CAST(id AS CHAR) = '1'", "!id = 1", "name REGEXP 'a'", "(id, name) = (1, 'a')",
      "id = date '2024-01-01'", "name || 'x' = 1 = 1"})
  void unsupportedConstructsFailClearly(String expr) {
    assertThatThrownBy(() -> ValueExpression.parse(expr))
        .isInstanceOfSatisfying(SinkConfigException.class,
            e -> assertThat(e.code()).isEqualTo("CDC:ErrInvalidFilterExpression"));
  }

  @Test
  void unknownColumnsFailWhenBound() {
    ValueExpression e = ValueExpression.parse("nope = 1");
    assertThatThrownBy(() -> e.bind(T))
        .isInstanceOfSatisfying(SinkConfigException.class, x -> {
          assertThat(x.code()).isEqualTo("CDC:ErrExpressionColumnNotFound");
          assertThat(x.detail()).isEqualTo(
              "invalid filter expression(s). Cannot find column 'nope' from table 'test.t' in: nope = 1");
        });
    assertThatThrownBy(() -> ValueExpression.parse("other.id = 1").bind(T)).isInstanceOf(SinkConfigException.class);
  }
}
