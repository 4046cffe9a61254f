package io.kcdc.streams.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.TableSchema;
import io.kcdc.common.config.ReplicaConfig.EventFilterRule;
import io.kcdc.common.config.ReplicaConfig.FilterConfig;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.sink.SinkConfigException;
import io.kcdc.tidb.schema.ActionType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which rows and DDLs {@link EventFilter} ignores (TiCDC's pkg/filter decisions). */
class EventFilterTest {
  private static final TableInfo T = ValueExpressionTest.T;
  private static final TableInfo OTHER = new TableInfo(TableSchema.newBuilder(T.schema()).setTableName("other").build());

  private static EventFilterRule rule(List<String> matcher, List<String> events, List<String> sql,
      String insert, String updateNew, String updateOld, String delete) {
    return new EventFilterRule(matcher, events, sql, insert, updateNew, updateOld, delete);
  }

  private static EventFilterRule events(String... events) {
    return rule(List.of("test.t"), List.of(events), null, null, null, null, null);
  }

  private static EventFilter filter(EventFilterRule... rules) {
    return EventFilter.of(new FilterConfig(null, null, List.of(rules)));
  }

  private static RowEvent insert(TableInfo t, long startTs, Object... overrides) {
    return new RowEvent(t, startTs, startTs + 1, ValueExpressionTest.row(overrides), null);
  }

  private static RowEvent update(List<Object> pre, List<Object> post) {
    return new RowEvent(T, 10, 11, post, pre);
  }

  private static RowEvent delete(Object... overrides) {
    return new RowEvent(T, 10, 11, null, ValueExpressionTest.row(overrides));
  }

  @Test
  void emptyConfigIgnoresNothing() {
    EventFilter f = EventFilter.of(new FilterConfig(null, null, null));
    assertThat(f.isEmpty()).isTrue();
    assertThat(f.ignoreRow(insert(T, 10))).isFalse();
    assertThat(f.ignoreDdl(10, ActionType.CREATE_TABLE, "test", "t", "CREATE TABLE t (a int)")).isFalse();
  }

  @Test
  void ignoreTxnStartTsDropsRowsAndDdlsOfThatTransaction() {
    EventFilter f = EventFilter.of(new FilterConfig(null, List.of(10L, 20L), null));
    assertThat(f.ignoreRow(insert(T, 10))).isTrue();
    assertThat(f.ignoreRow(insert(T, 11))).isFalse();
    assertThat(f.ignoreRow(update(ValueExpressionTest.row(), ValueExpressionTest.row()))).isTrue();
    assertThat(f.ignoreDdl(20, ActionType.ADD_COLUMN, "test", "t", "ALTER TABLE t ADD c int")).isTrue();
    assertThat(f.ignoreDdl(21, ActionType.ADD_COLUMN, "test", "t", "ALTER TABLE t ADD c int")).isFalse();
    // also DDLs no rule would ignore, and types not replicated at all
    assertThat(f.ignoreDdl(20, ActionType.CREATE_SCHEMA, "test", "", "CREATE DATABASE test")).isTrue();
  }

  @Test
  void dmlEventTypes() {
    List<Object> r = ValueExpressionTest.row();
    assertThat(filter(events("insert")).ignoreRow(insert(T, 1))).isTrue();
    assertThat(filter(events("insert")).ignoreRow(update(r, r))).isFalse();
    assertThat(filter(events("insert")).ignoreRow(delete())).isFalse();
    assertThat(filter(events("update")).ignoreRow(update(r, r))).isTrue();
    assertThat(filter(events("update")).ignoreRow(insert(T, 1))).isFalse();
    assertThat(filter(events("delete")).ignoreRow(delete())).isTrue();
    assertThat(filter(events("delete")).ignoreRow(insert(T, 1))).isFalse();
    EventFilter all = filter(events("all dml"));
    assertThat(all.ignoreRow(insert(T, 1))).isTrue();
    assertThat(all.ignoreRow(update(r, r))).isTrue();
    assertThat(all.ignoreRow(delete())).isTrue();
    // DDL kinds do not touch rows
    assertThat(filter(events("all ddl", "create table")).ignoreRow(insert(T, 1))).isFalse();
  }

  @Test
  void onlyRulesWhoseMatcherAcceptsTheTableApply() {
    EventFilter f = filter(events("insert"));
    assertThat(f.ignoreRow(insert(OTHER, 1))).isFalse();
    EventFilter wildcard = filter(rule(List.of("test.*", "!test.other"), List.of("insert"), null, null, null, null, null));
    assertThat(wildcard.ignoreRow(insert(T, 1))).isTrue();
    assertThat(wildcard.ignoreRow(insert(OTHER, 1))).isFalse();
    // as in TiCDC: matchers are case-sensitive, and an empty matcher matches nothing
    assertThat(filter(rule(List.of("TEST.T"), List.of("insert"), null, null, null, null, null))
        .ignoreRow(insert(T, 1))).isFalse();
    assertThat(filter(rule(List.of(), List.of("insert"), null, null, null, null, null))
        .ignoreRow(insert(T, 1))).isFalse();
  }

  @Test
  void valueExpressionsPerEventType() {
    EventFilter f = filter(rule(List.of("test.*"), null, null, "id >= 100", null, null, "name = 'bob'"));
    assertThat(f.ignoreRow(insert(T, 1))).isTrue();
    assertThat(f.ignoreRow(insert(T, 1, "id", 99L))).isFalse();
    assertThat(f.ignoreRow(insert(T, 1, "id", 100L, "name", null))).isTrue();
    assertThat(f.ignoreRow(delete("name", "bob"))).isTrue();
    assertThat(f.ignoreRow(delete("name", "alice"))).isFalse();
    assertThat(f.ignoreRow(delete("name", null))).isFalse(); // NULL does not ignore
    // an update has no expression here
    assertThat(f.ignoreRow(update(ValueExpressionTest.row(), ValueExpressionTest.row()))).isFalse();
  }

  @Test
  void anUpdateIsIgnoredIfEitherImageMatches() {
    EventFilter f = filter(rule(List.of("test.t"), null, null, null, "name = 'new'", "name = 'old'", null));
    List<Object> old = ValueExpressionTest.row("name", "old");
    List<Object> neu = ValueExpressionTest.row("name", "new");
    List<Object> other = ValueExpressionTest.row("name", "other");
    assertThat(f.ignoreRow(update(old, other))).isTrue();
    assertThat(f.ignoreRow(update(other, neu))).isTrue();
    assertThat(f.ignoreRow(update(old, neu))).isTrue();
    assertThat(f.ignoreRow(update(other, other))).isFalse();
    // the new-image expression is not evaluated on the old image, nor the other way round
    assertThat(f.ignoreRow(update(neu, old))).isFalse();
  }

  @Test
  void anyMatchingRuleIgnores() {
    EventFilter f = filter(events("delete"), rule(List.of("test.t"), null, null, "id = 5", null, null, null));
    assertThat(f.ignoreRow(delete())).isTrue();
    assertThat(f.ignoreRow(insert(T, 1, "id", 5L))).isTrue();
    assertThat(f.ignoreRow(insert(T, 1))).isFalse();
  }

  @Test
  void expressionsRebindPerSchemaVersion() {
    EventFilter f = filter(rule(List.of("test.t"), null, null, "extra = 1", null, null, null));
    assertThatThrownBy(() -> f.ignoreRow(insert(T, 1)))
        .isInstanceOfSatisfying(SinkConfigException.class,
            e -> assertThat(e.code()).isEqualTo("CDC:ErrExpressionColumnNotFound"));
    TableSchema.Builder v2 = TableSchema.newBuilder(T.schema()).setSchemaVersion(2);
    var cols = new java.util.ArrayList<>(T.columns());
    cols.add(io.kcdc.avro.ColumnDef.newBuilder(T.column(0)).setId(14).setName("extra").build());
    TableInfo t2 = new TableInfo(v2.setColumns(cols).build());
    List<Object> row = new java.util.ArrayList<>(ValueExpressionTest.row());
    row.add(1L);
    assertThat(f.ignoreRow(new RowEvent(t2, 1, 2, row, null))).isTrue();
    row.set(13, 2L);
    assertThat(f.ignoreRow(new RowEvent(t2, 1, 2, row, null))).isFalse();
  }

  @Test
  void ddlEventTypes() {
    EventFilter f = filter(events("create index", "drop table", "rename table"));
    assertThat(f.ignoreDdl(1, ActionType.ADD_INDEX, "test", "t", "CREATE INDEX i ON t(a)")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.DROP_TABLE, "test", "t", "DROP TABLE t")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.RENAME_TABLE, "test", "t", "RENAME TABLE t TO u")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.RENAME_TABLES, "test", "t", "RENAME TABLE t TO u, a TO b")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.DROP_INDEX, "test", "t", "DROP INDEX i ON t")).isFalse();
    assertThat(f.ignoreDdl(1, ActionType.ADD_INDEX, "test", "other", "CREATE INDEX i ON other(a)")).isFalse();
    // not a replicated type: never "ignored" (it is discarded elsewhere)
    assertThat(filter(events("all ddl")).ignoreDdl(1, ActionType.CREATE_SEQUENCE, "test", "t", "CREATE SEQUENCE t"))
        .isFalse();
  }

  @Test
  void allDdlAndAlterTable() {
    EventFilter all = filter(events("all ddl"));
    for (int type : new int[] {ActionType.CREATE_TABLE, ActionType.DROP_TABLE, ActionType.ADD_COLUMN,
        ActionType.TRUNCATE_TABLE, ActionType.ADD_FOREIGN_KEY, ActionType.MULTI_SCHEMA_CHANGE}) {
      assertThat(all.ignoreDdl(1, type, "test", "t", "q")).as("type %d", type).isTrue();
    }
    assertThat(filter(events("all dml")).ignoreDdl(1, ActionType.CREATE_TABLE, "test", "t", "q")).isFalse();
    EventFilter alter = filter(events("alter table"));
    for (int type : new int[] {ActionType.ADD_COLUMN, ActionType.DROP_COLUMN, ActionType.MODIFY_COLUMN,
        ActionType.ADD_INDEX, ActionType.RENAME_TABLE, ActionType.MULTI_SCHEMA_CHANGE, ActionType.ADD_TABLE_PARTITION,
        ActionType.REBASE_AUTO_ID, ActionType.ALTER_TTL_INFO, ActionType.MODIFY_TABLE_COMMENT}) {
      assertThat(alter.ignoreDdl(1, type, "test", "t", "q")).as("type %d", type).isTrue();
    }
    for (int type : new int[] {ActionType.CREATE_TABLE, ActionType.DROP_TABLE, ActionType.TRUNCATE_TABLE,
        ActionType.ADD_FOREIGN_KEY, ActionType.CREATE_VIEW, ActionType.RECOVER_TABLE}) {
      assertThat(alter.ignoreDdl(1, type, "test", "t", "q")).as("type %d", type).isFalse();
    }
  }

  @Test
  void schemaDdlsMatchBySchemaAndAliases() {
    EventFilter f = filter(rule(List.of("test.*"), List.of("create schema", "drop database"), null, null, null, null,
        null));
    assertThat(f.ignoreDdl(1, ActionType.CREATE_SCHEMA, "test", "", "CREATE DATABASE test")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.DROP_SCHEMA, "test", "", "DROP DATABASE test")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.CREATE_SCHEMA, "prod", "", "CREATE DATABASE prod")).isFalse();
    assertThat(filter(rule(List.of("test.*"), List.of("create database"), null, null, null, null, null))
        .ignoreDdl(1, ActionType.CREATE_SCHEMA, "test", "", "CREATE SCHEMA test")).isTrue();
    assertThat(filter(rule(List.of("test.t"), List.of("modify schema charset and collate"), null, null, null, null,
        null)).ignoreDdl(1, ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE, "test", "", "ALTER DATABASE test ...")).isTrue();
  }

  @Test
  void ignoreSqlFindsCaseInsensitiveMatchesInTheQuery() {
    EventFilter f = filter(rule(List.of("test.*"), null, List.of("^DROP", "add column\\s+secret"), null, null, null,
        null));
    assertThat(f.ignoreDdl(1, ActionType.DROP_TABLE, "test", "t", "drop table t")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.ADD_COLUMN, "test", "t", "ALTER TABLE t ADD COLUMN  secret int")).isTrue();
    assertThat(f.ignoreDdl(1, ActionType.ADD_COLUMN, "test", "t", "ALTER TABLE t ADD COLUMN c int")).isFalse();
    assertThat(f.ignoreDdl(1, ActionType.DROP_TABLE, "prod", "t", "DROP TABLE t")).isFalse();
    // DML has no query: patterns never match rows
    assertThat(filter(rule(List.of("test.*"), null, List.of(".*"), null, null, null, null)).ignoreRow(insert(T, 1)))
        .isFalse();
  }

  @Test
  void invalidRulesFailWithTiCdcCodes() {
    assertThatThrownBy(() -> filter(events("insert", "upsert")))
        .isInstanceOfSatisfying(SinkConfigException.class, e -> {
          assertThat(e.code()).isEqualTo("CDC:ErrInvalidIgnoreEventType");
          assertThat(e.detail()).isEqualTo("invalid ignore event type: 'upsert'");
        });
    assertThatThrownBy(() -> filter(rule(List.of("test-a.*"), null, null, null, null, null, null)))
        .isInstanceOfSatisfying(SinkConfigException.class,
            e -> assertThat(e.code()).isEqualTo("CDC:ErrFilterRuleInvalid"));
    assertThatThrownBy(() -> filter(rule(List.of("*.*"), null, List.of("(unclosed"), null, null, null, null)))
        .isInstanceOfSatisfying(SinkConfigException.class,
            e -> assertThat(e.code()).isEqualTo("CDC:ErrFilterRuleInvalid"));
    assertThatThrownBy(() -> filter(rule(List.of("*.*"), null, null, null, "id >", null, null)))
        .isInstanceOfSatisfying(SinkConfigException.class,
            e -> assertThat(e.detail()).isEqualTo("invalid filter expressions. There is a syntax error in: 'id >'"));
  }

  @Test
  void bindsTheApiJson() throws Exception {
    String json = """
        {"rules":["*.*"],"ignore_txn_start_ts":[42],"event_filters":[{"matcher":["test.t"],
         "ignore_event":["delete"],"ignore_sql":[],"ignore_insert_value_expr":"id >= 100",
         "ignore_update_new_value_expr":"","ignore_update_old_value_expr":"","ignore_delete_value_expr":"",
         "unknown_field":1}]}""";
    // as the API reads it: unknown fields are ignored, as Go's decoder does
    FilterConfig c = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .readValue(json, FilterConfig.class);
    assertThat(c.ignoreTxnStartTs()).containsExactly(42L);
    assertThat(c.eventFilters()).containsExactly(
        rule(List.of("test.t"), List.of("delete"), List.of(), "id >= 100", "", "", ""));
    EventFilter f = EventFilter.of(c);
    assertThat(f.ignoreRow(insert(T, 42, "id", 1L))).isTrue();
    assertThat(f.ignoreRow(insert(T, 1, "id", 1L))).isFalse();
    assertThat(f.ignoreRow(insert(T, 1, "id", 100L))).isTrue();
    assertThat(f.ignoreRow(delete())).isTrue();
  }
}
