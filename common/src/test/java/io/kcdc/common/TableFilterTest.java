package io.kcdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableFilterTest {

  private static TableFilter f(boolean caseSensitive, String... rules) {
    return TableFilter.parse(List.of(rules), caseSensitive);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*.*", "test.*ms", "*.889", "  db.t  # comment", "`test-a`.*", "test\\-a.*",
      "\"a\"\"b\".c", "/^db\\d+$/.*", "db[0-9].t[!a-c]", "δβ.*", "!test.tmp_*", "db?.t[0-9]", "数据库.表", "$db.t_1",
      "a.[!x]"})
  void validRules(String rule) {
    TableFilter.parse(List.of(rule), false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"test-a.*", "*.*.*", "db", "db.", ".t", "`db.t", "/abc.t", "db[a.t", "db.t\\",
      "@rules.txt", "/(/.t", "a b.c", "a.[x"})
  void invalidRulesThrow(String rule) {
    assertThatThrownBy(() -> TableFilter.parse(List.of("*.*", rule), false))
        .isInstanceOf(TableFilter.InvalidRuleException.class)
        .hasMessageContaining("syntax error")
        .hasMessageContaining(rule);
  }

  @Test
  void emptyRulesMeanEverything() {
    TableFilter all = TableFilter.parse(List.of(), false);
    assertThat(all.match("test", "t")).isTrue();
    assertThat(all.match("mysql", "user")).isFalse();
  }

  @Test
  void lastMatchingRuleWins() {
    TableFilter filter = f(false, "*.*", "!bar.*", "bar.keep");
    assertThat(filter.match("foo", "x")).isTrue();
    assertThat(filter.match("bar", "x")).isFalse();
    assertThat(filter.match("bar", "keep")).isTrue();
    assertThat(f(false, "!bar.*").match("foo", "x")).isFalse();
  }

  @Test
  void wildcardsAndClasses() {
    TableFilter filter = f(true, "db?.tbl*", "x[0-9].t[!a-c]");
    assertThat(filter.match("db1", "tbl")).isTrue();
    assertThat(filter.match("db12", "tbl")).isFalse();
    assertThat(filter.match("db1", "tblxyz")).isTrue();
    assertThat(filter.match("x5", "td")).isTrue();
    assertThat(filter.match("x5", "tb")).isFalse();
    assertThat(filter.match("xa", "td")).isFalse();
  }

  @Test
  void quotedAndEscapedNames() {
    TableFilter filter = f(true, "`with.dot`.*", "\"q\"\"x\".t", "test\\-a.\\*");
    assertThat(filter.match("with.dot", "any")).isTrue();
    assertThat(filter.match("withxdot", "any")).isFalse();
    assertThat(filter.match("q\"x", "t")).isTrue();
    assertThat(filter.match("test-a", "*")).isTrue();
    assertThat(filter.match("test-a", "b")).isFalse();
  }

  @Test
  void regexIsSubstringMatch() {
    TableFilter filter = f(true, "/^db\\d+$/./t/");
    assertThat(filter.match("db12", "xtx")).isTrue();
    assertThat(filter.match("db12x", "xtx")).isFalse();
    assertThat(filter.match("db1", "abc")).isFalse();
  }

  @Test
  void caseSensitivity() {
    assertThat(f(false, "Test.T*").match("TEST", "tab")).isTrue();
    assertThat(f(false, "/^TEST$/.*").match("test", "x")).isTrue();
    assertThat(f(false, "`Foo`.bar").match("foo", "BAR")).isTrue();
    assertThat(f(true, "Test.T*").match("TEST", "tab")).isFalse();
    assertThat(f(true, "Test.T*").match("Test", "Tab")).isTrue();
  }

  @Test
  void systemSchemasAreAlwaysExcluded() {
    TableFilter filter = f(false, "*.*", "mysql.*", "tidb_cdc.*");
    for (String s : List.of("mysql", "MYSQL", "information_schema", "performance_schema", "metrics_schema",
        "sys", "inspection_schema", "dm_heartbeat", "tidb_cdc", "lightning_task_info", "workload_schema")) {
      assertThat(filter.match(s, "t")).as(s).isFalse();
      assertThat(filter.matchSchema(s)).as(s).isFalse();
    }
  }

  @Test
  void schemaMatching() {
    TableFilter filter = f(false, "*.*", "!bar.*", "!baz.t1");
    assertThat(filter.matchSchema("foo")).isTrue();
    assertThat(filter.matchSchema("bar")).isFalse();
    assertThat(filter.matchSchema("baz")).isTrue();
    assertThat(f(false, "foo.t").matchSchema("foo")).isTrue();
    assertThat(f(false, "foo.t").matchSchema("other")).isFalse();
  }
}
