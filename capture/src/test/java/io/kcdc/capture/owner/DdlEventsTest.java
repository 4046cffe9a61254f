package io.kcdc.capture.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.Ddl;
import io.kcdc.common.TableFilter;
import io.kcdc.common.config.ReplicaConfig.EventFilterRule;
import io.kcdc.common.config.ReplicaConfig.FilterConfig;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DDL events under {@code filter.event_filters} and {@code ignore_txn_start_ts}: ignored DDLs give no event. */
class DdlEventsTest {
  private static final DBInfo D = DBInfo.of(2, "d");

  private static TableInfo table(long id, String name) {
    ColumnInfo pk = ColumnInfo.of(1, "id", 0, FieldType.of(MysqlType.TYPE_LONG)
        .withFlag(MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL).withLength(11, 0));
    return TableInfo.builder(id, name).columns(List.of(pk)).pkIsHandle(true).build();
  }

  private static final SchemaSnapshot BEFORE = new SchemaSnapshot(100, List.of(D),
      Map.of(2L, List.of(table(10, "a"), table(11, "b"))));

  private static DdlJob job(int type, long tableId, long startTs, TableInfo info, String query) {
    return DdlJob.done(7, type, 2, tableId, "d", info == null ? "" : info.name().o(), query,
        new HistoryInfo(7, null, info, 200, null)).withStartTs(startTs);
  }

  private static DdlEvents events(FilterConfig config) {
    return new DdlEvents(TableFilter.parse(List.of("d.*"), false), EventFilter.of(config));
  }

  private static FilterConfig rule(List<String> matcher, List<String> ignoreEvent, List<String> ignoreSql) {
    return new FilterConfig(null, null, List.of(new EventFilterRule(matcher, ignoreEvent, ignoreSql, null, null,
        null, null)));
  }

  private static List<Ddl> of(DdlEvents e, DdlJob job) {
    SchemaSnapshot after = job.binlog().tableInfo() == null ? BEFORE
        : new SchemaSnapshot(200, List.of(D), Map.of(2L, List.of(table(10, "a"), table(11, "b"), table(12, "c"))));
    return e.of(job, BEFORE, after);
  }

  @Test
  void ignoredDdlTypesGiveNoEvent() {
    DdlEvents e = events(rule(List.of("d.a"), List.of("add column", "drop table"), null));
    assertThat(of(e, job(ActionType.ADD_COLUMN, 10, 5, table(10, "a"), "ALTER TABLE a ADD c INT"))).isEmpty();
    assertThat(of(e, job(ActionType.DROP_TABLE, 10, 5, null, "DROP TABLE a"))).isEmpty();
    assertThat(of(e, job(ActionType.ADD_INDEX, 10, 5, table(10, "a"), "CREATE INDEX i ON a(id)"))).hasSize(1);
    // another table of the changefeed
    assertThat(of(e, job(ActionType.ADD_COLUMN, 11, 5, table(11, "b"), "ALTER TABLE b ADD c INT"))).hasSize(1);
  }

  @Test
  void allDdlAndAlterTable() {
    DdlEvents all = events(rule(List.of("d.*"), List.of("all ddl"), null));
    assertThat(of(all, job(ActionType.CREATE_TABLE, 12, 5, table(12, "c"), "CREATE TABLE c (id INT)"))).isEmpty();
    assertThat(of(all, job(ActionType.TRUNCATE_TABLE, 10, 5, table(10, "a"), "TRUNCATE TABLE a"))).isEmpty();
    DdlEvents alter = events(rule(List.of("d.*"), List.of("alter table"), null));
    assertThat(of(alter, job(ActionType.MODIFY_COLUMN, 10, 5, table(10, "a"), "ALTER TABLE a MODIFY id BIGINT")))
        .isEmpty();
    assertThat(of(alter, job(ActionType.TRUNCATE_TABLE, 10, 5, table(10, "a"), "TRUNCATE TABLE a"))).hasSize(1);
  }

  @Test
  void ignoreSqlMatchesTheQueryAsWritten() {
    DdlEvents e = events(rule(List.of("d.*"), null, List.of("^truncate", "DROP TABLE `d`\\.`a`")));
    assertThat(of(e, job(ActionType.TRUNCATE_TABLE, 10, 5, table(10, "a"), "TRUNCATE TABLE a"))).isEmpty();
    // the rewritten DROP TABLE query is the one matched, as TiCDC filters the built DDL event
    assertThat(of(e, job(ActionType.DROP_TABLE, 10, 5, null, "drop table a"))).isEmpty();
    assertThat(of(e, job(ActionType.DROP_TABLE, 11, 5, null, "drop table b"))).hasSize(1);
  }

  @Test
  void ignoreTxnStartTs() {
    DdlEvents e = events(new FilterConfig(null, List.of(42L), null));
    assertThat(of(e, job(ActionType.ADD_COLUMN, 10, 42, table(10, "a"), "ALTER TABLE a ADD c INT"))).isEmpty();
    assertThat(of(e, job(ActionType.ADD_COLUMN, 10, 43, table(10, "a"), "ALTER TABLE a ADD c INT"))).hasSize(1);
    DdlJob dropSchema = DdlJob.done(8, ActionType.DROP_SCHEMA, 2, 0, "d", "", "DROP DATABASE d",
        new HistoryInfo(8, null, null, 210, null));
    assertThat(e.of(dropSchema.withStartTs(42), BEFORE, BEFORE)).isEmpty();
    assertThat(e.of(dropSchema.withStartTs(41), BEFORE, BEFORE)).hasSize(1);
  }

  @Test
  void schemaLevelDdlsMatchRulesBySchema() {
    DdlEvents e = events(rule(List.of("d.*"), List.of("drop schema"), null));
    DdlJob dropSchema = DdlJob.done(8, ActionType.DROP_SCHEMA, 2, 0, "d", "", "DROP DATABASE d",
        new HistoryInfo(8, null, null, 210, null));
    assertThat(e.of(dropSchema, BEFORE, BEFORE)).isEmpty();
    // tfilter's MatchSchema: a rule naming one table of the schema matches the schema too
    DdlEvents onlyA = events(rule(List.of("d.a"), List.of("drop schema"), null));
    assertThat(onlyA.of(dropSchema, BEFORE, BEFORE)).isEmpty();
    DdlEvents other = events(rule(List.of("x.*"), List.of("drop schema"), null));
    assertThat(other.of(dropSchema, BEFORE, BEFORE)).hasSize(1);
    DdlEvents allButD = events(rule(List.of("*.*", "!d.*"), List.of("drop schema"), null));
    assertThat(allButD.of(dropSchema, BEFORE, BEFORE)).hasSize(1);
  }

  @Test
  void aRenameIsMatchedByItsOldName() {
    DdlEvents e = events(rule(List.of("d.a"), List.of("rename table"), null));
    TableInfo renamed = table(10, "z");
    SchemaSnapshot after = new SchemaSnapshot(200, List.of(D), Map.of(2L, List.of(renamed, table(11, "b"))));
    assertThat(e.of(job(ActionType.RENAME_TABLE, 10, 5, renamed, "RENAME TABLE a TO z"), BEFORE, after)).isEmpty();
    DdlEvents byNew = events(rule(List.of("d.z"), List.of("rename table"), null));
    assertThat(byNew.of(job(ActionType.RENAME_TABLE, 10, 5, renamed, "RENAME TABLE a TO z"), BEFORE, after))
        .hasSize(1);
  }

  @Test
  void withoutEventFiltersNothingChanges() {
    DdlEvents e = new DdlEvents(TableFilter.parse(List.of("d.*"), false));
    assertThat(of(e, job(ActionType.ADD_COLUMN, 10, 5, table(10, "a"), "ALTER TABLE a ADD c INT"))).hasSize(1);
  }
}
