package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.TableFilter;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.TableInfo;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;

class TiCdcSourceConnectorTest {
  private static TableInfo withPk(long id, String name) {
    return TableInfo.builder(id, name).columns(List.of(ColumnInfo.of(1, "id", 0,
        FieldType.of(MysqlType.TYPE_LONG).withFlag(MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL)))).pkIsHandle(true).build();
  }

  private static TableInfo withoutKey(long id, String name) {
    return TableInfo.builder(id, name).columns(List.of(ColumnInfo.of(1, "a", 0, FieldType.of(MysqlType.TYPE_LONG)))).build();
  }

  private static SchemaSnapshot snapshot() {
    return new SchemaSnapshot(1, List.of(DBInfo.of(1, "test"), DBInfo.of(2, "other"), DBInfo.of(3, "mysql")), Map.of(
        1L, List.of(withPk(12, "b"), withPk(11, "a"), withoutKey(13, "nokey")),
        2L, List.of(withPk(21, "x")),
        3L, List.of(withPk(31, "user"))));
  }

  @Test
  void selectsMatchingEligibleTablesSortedById() {
    SchemaSnapshot s = snapshot();
    assertThat(TiCdcSourceConnector.selectTables(s, TableFilter.parse(List.of("*.*"), false), false))
        .containsExactly(11L, 12L, 21L);
    assertThat(TiCdcSourceConnector.selectTables(s, TableFilter.parse(List.of("test.*"), false), true))
        .containsExactly(11L, 12L, 13L);
    assertThat(TiCdcSourceConnector.selectTables(s, TableFilter.parse(List.of("*.*", "!test.a"), false), false))
        .containsExactly(12L, 21L);
  }

  @Test
  void everyTaskGetsItsSlotAndTablesGoToTheSlotOfTheirId() {
    TiCdcSourceConnector connector = new TiCdcSourceConnector();
    List<Map<String, String>> tasks = connector.taskConfigs(3);
    assertThat(tasks).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(tasks.get(i)).containsEntry("task.index", Integer.toString(i)).containsEntry("task.count", "3");
    }
    // Ids two apart (TiDB allocates a job id between two tables) still reach every task.
    java.util.Set<Integer> tasksUsed = new java.util.HashSet<>();
    for (long id = 101; id < 101 + 2 * 16; id += 2) {
      int task = TableSelection.taskOf(id, 4);
      assertThat(task).isBetween(0, 3).isEqualTo(TableSelection.taskOf(id, 4));
      tasksUsed.add(task);
    }
    assertThat(tasksUsed).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(TableSelection.taskOf(-1, 3)).isBetween(0, 2);
  }

  @Test
  void startTsBelowTheGcSafePointIsRejected() {
    TiCdcSourceConnector.checkStartTs(100, 100);
    assertThatThrownBy(() -> TiCdcSourceConnector.checkStartTs(99, 100))
        .isInstanceOf(ConnectException.class).hasMessageContaining("GC safe point 100");
  }

  @Test
  void supportsExactlyOnce() {
    assertThat(new TiCdcSourceConnector().exactlyOnceSupport(Map.of())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
  }

  @Test
  void internalTopicKeyAndPartition() {
    assertThat(InternalEvents.key(0x0102030405060708L)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(InternalEvents.tableIdOf(InternalEvents.key(-7))).isEqualTo(-7);
    assertThat(InternalEvents.partitionOf(100, 3)).isEqualTo(InternalEvents.slot(100, 3));
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (long id = 104; id < 104 + 2 * 12; id += 2) {
      used.add(InternalEvents.partitionOf(id, 4));
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(InternalEvents.partitionOf(-1L << 40, 7)).isBetween(0, 6);
  }
}
