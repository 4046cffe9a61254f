package io.kcdc.capture.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.Ddl;
import io.kcdc.common.TableFilter;
import io.kcdc.connector.TableSelection;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.schema.SchemaStorage;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DdlScheduleTest {
  private static final DBInfo D = DBInfo.of(2, "d");
  private final Map<Long, Long> checkpoints = new HashMap<>();

  private static TableInfo table(long id, String name) {
    ColumnInfo pk = ColumnInfo.of(1, "id", 0, FieldType.of(MysqlType.TYPE_LONG)
        .withFlag(MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL).withLength(11, 0));
    return TableInfo.builder(id, name).columns(List.of(pk)).pkIsHandle(true).build();
  }

  private static DdlJob job(int type, long tableId, long version, long ts, TableInfo info, String query) {
    return DdlJob.done(version, type, 2, tableId, "d", info == null ? "" : info.name().o(), query,
        new HistoryInfo(version, null, info, ts, null));
  }

  private DdlSchedule schedule(String... rules) {
    SchemaSnapshot start = new SchemaSnapshot(100, List.of(D, DBInfo.of(3, "x")),
        Map.of(2L, List.of(table(10, "a")), 3L, List.of(table(30, "skipped"))));
    TableSelection selection = new TableSelection(TableFilter.parse(List.of(rules), false), false);
    return new DdlSchedule(new SchemaStorage(start), selection, new DdlEvents(selection.filter()));
  }

  private OptionalLong min(Set<Long> tables) {
    long min = Long.MAX_VALUE;
    for (long t : tables) {
      Long c = checkpoints.get(t);
      if (c == null) {
        return OptionalLong.empty();
      }
      min = Math.min(min, c);
    }
    return OptionalLong.of(min);
  }

  @Test
  void theBarrierNeverPassesTheTargetTsSoNothingAboveItIsReleasedOrWritten() {
    SchemaSnapshot start = new SchemaSnapshot(100, List.of(D), Map.of(2L, List.of(table(10, "a"))));
    TableSelection selection = new TableSelection(TableFilter.parse(List.of("d.*"), false), false);
    DdlSchedule s = new DdlSchedule(new SchemaStorage(start), selection, new DdlEvents(selection.filter()), 250);
    s.onJobs(List.of(), 240);
    assertThat(s.barrierTs()).isEqualTo(240);
    s.onJobs(List.of(job(ActionType.CREATE_TABLE, 11, 5, 260, table(11, "b"), "CREATE TABLE b (id INT PRIMARY KEY)")), 400);
    // The DDL is beyond the target: rows stop at 250 and the DDL never becomes due.
    assertThat(s.barrierTs()).isEqualTo(250);
    checkpoints.put(10L, 250L);
    assertThat(s.checkpoint(this::min)).hasValue(250);
    assertThat(s.due(250)).isFalse();
  }

  @Test
  void theBarrierStopsAtTheNextDdlUntilEveryTableReachedIt() {
    DdlSchedule s = schedule("d.*");
    assertThat(s.barrierTs()).isEqualTo(100);
    s.onJobs(List.of(), 150);
    assertThat(s.barrierTs()).isEqualTo(150);
    assertThat(s.tables()).containsExactly(10L);

    s.onJobs(List.of(job(ActionType.CREATE_TABLE, 11, 5, 200, table(11, "b"), "CREATE TABLE b (id INT PRIMARY KEY)")), 300);
    assertThat(s.barrierTs()).isEqualTo(200);
    // Rows up to the barrier are in the schema before the DDL: b is not a table yet.
    assertThat(s.tables()).containsExactly(10L);
    checkpoints.put(10L, 190L);
    assertThat(s.checkpoint(this::min)).hasValue(190);
    assertThat(s.due(190)).isFalse();
    checkpoints.put(10L, 200L);
    assertThat(s.checkpoint(this::min)).hasValue(200);
    assertThat(s.due(200)).isTrue();
    assertThat(s.dueEvents()).singleElement().satisfies(d -> {
      assertThat(d.getCommitTs()).isEqualTo(200);
      assertThat(d.getTableName()).isEqualTo("b");
      assertThat(d.getActionType()).isEqualTo(ActionType.CREATE_TABLE);
    });
    s.written();
    // The barrier moves on; b now counts, and without its progress there is no checkpoint yet.
    assertThat(s.barrierTs()).isEqualTo(300);
    assertThat(s.tables()).containsExactly(10L, 11L);
    assertThat(s.checkpoint(this::min)).isEmpty();
    checkpoints.put(11L, 250L);
    checkpoints.put(10L, 280L);
    assertThat(s.checkpoint(this::min)).hasValue(250);
  }

  @Test
  void theCheckpointNeverPassesTheBarrierAndIsTheBarrierWithoutTables() {
    DdlSchedule s = schedule("x.none");
    s.onJobs(List.of(), 500);
    assertThat(s.tables()).isEmpty();
    assertThat(s.checkpoint(this::min)).hasValue(500);

    DdlSchedule d = schedule("d.*");
    d.onJobs(List.of(), 400);
    checkpoints.put(10L, 900L);
    assertThat(d.checkpoint(this::min)).hasValue(400);
  }

  @Test
  void filteredAndUnreplicatedDdlsStillHoldTheBarrierButWriteNothing() {
    DdlSchedule s = schedule("d.*");
    TableInfo skipped = table(30, "skipped").toBuilder().comment("c").build();
    s.onJobs(List.of(job(ActionType.MODIFY_TABLE_COMMENT, 30, 5, 200, skipped, "ALTER TABLE x.skipped COMMENT 'c'"),
        job(ActionType.ALTER_TABLE_STATS_OPTIONS, 10, 6, 210, table(10, "a"), "ALTER TABLE a STATS_BUCKETS=1")), 300);
    checkpoints.put(10L, 300L);
    assertThat(s.checkpoint(this::min)).hasValue(200);
    assertThat(s.due(200)).isTrue();
    assertThat(s.dueEvents()).isEmpty();
    s.written();
    assertThat(s.checkpoint(this::min)).hasValue(210);
    assertThat(s.dueEvents()).isEmpty();
    s.written();
    assertThat(s.checkpoint(this::min)).hasValue(300);
  }

  @Test
  void dropTableIsRewrittenAndNamedFromTheSchemaBeforeIt() {
    DdlSchedule s = schedule("d.*");
    s.onJobs(List.of(job(ActionType.DROP_TABLE, 10, 5, 200, null, "drop table a")), 300);
    checkpoints.put(10L, 200L);
    assertThat(s.checkpoint(this::min)).hasValue(200);
    List<Ddl> events = s.dueEvents();
    assertThat(events).singleElement().satisfies(d -> {
      assertThat(d.getQuery()).isEqualTo("DROP TABLE `d`.`a`");
      assertThat(d.getSchemaName()).isEqualTo("d");
      assertThat(d.getTableName()).isEqualTo("a");
    });
    s.written();
    assertThat(s.tables()).isEmpty();
    assertThat(s.checkpoint(this::min)).hasValue(300);
  }

  @Test
  void schemaLevelDdlsFollowTheSchemaFilter() {
    DdlSchedule s = schedule("d.*");
    DdlJob createD2 = DdlJob.done(5, ActionType.CREATE_SCHEMA, 4, 0, "d2", "", "CREATE DATABASE d2",
        new HistoryInfo(5, DBInfo.of(4, "d2"), null, 200, null));
    DdlJob dropD = DdlJob.done(6, ActionType.DROP_SCHEMA, 2, 0, "d", "", "DROP DATABASE d",
        new HistoryInfo(6, null, null, 210, null));
    s.onJobs(List.of(createD2, dropD), 300);
    checkpoints.put(10L, 300L);
    assertThat(s.dueEvents()).isEmpty();
    s.written();
    assertThat(s.dueEvents()).singleElement().satisfies(d -> {
      assertThat(d.getQuery()).isEqualTo("DROP DATABASE d");
      assertThat(d.getSchemaName()).isEqualTo("d");
      assertThat(d.getTableName()).isEmpty();
    });
  }
}
