package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableResolved;
import io.kcdc.avro.TableSchema;
import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.sql.SqlEngine;
import io.kcdc.upstream.sql.SqlSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DDLs after a changefeed starts, through a real Connect worker: rows after ADD COLUMN are mounted
 * with the new column (and announced with the new schema version first), tables created or
 * truncated later are captured from their DDL on, a dropped table stops, and all of it survives a
 * task restart from the stored offsets.
 */
class TiCdcSourceTaskDdlIT {
  private static final String TOPIC = "_cdc.cf2.rows";
  private static final int PARTITIONS = 3;

  private static EmbeddedCluster cluster;
  private static ConnectHarness connect;
  private static SqlSession sql;

  private final Map<Long, List<Object>> byTable = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.builder().stores(2).resolvedTsInterval(Duration.ofMillis(100)).start();
    sql = new SqlEngine(cluster.txnKv(), "v").bootstrap().open(1, "root");
    connect = new ConnectHarness();
    connect.createTopic(TOPIC, PARTITIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (connect != null) {
      connect.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String connectorConfig(long startTs) {
    return ConnectHarness.connectorConfig("cf2", cluster.pdAddress(), startTs, "d.*", TOPIC, PARTITIONS);
  }

  private final ConnectHarness.TaskCheckpoints checkpoints = new ConnectHarness.TaskCheckpoints();

  private void read(PartitionReader reader) {
    for (ConnectHarness.Decoded d : ConnectHarness.poll(reader)) {
      if (d.event().getPayload() instanceof TaskCheckpoint c) {
        checkpoints.add(d.partition(), c);
      } else {
        if (d.event().getPayload() instanceof RowChange r) {
          assertThat(r.getCommitTs()).isGreaterThan(checkpoints.floor(d.partition()));
        }
        assertThat(d.partition()).isEqualTo(InternalEvents.partitionOf(d.tableId(), PARTITIONS));
        byTable.computeIfAbsent(d.tableId(), k -> new ArrayList<>()).add(d.event().getPayload());
      }
    }
  }

  /** The id of the table announced under this name with the highest id (a truncated table gets a new id). */
  private long idOf(String name) {
    return byTable.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(o -> o instanceof TableSchema s && s.getTableName().equals(name)))
        .mapToLong(Map.Entry::getKey).max().orElse(-1);
  }

  private long resolved(long tableId) {
    return byTable.getOrDefault(tableId, List.of()).stream().filter(o -> o instanceof TableResolved)
        .mapToLong(o -> ((TableResolved) o).getResolvedTs()).max().orElse(0);
  }

  /** Rows in commit order (the puller keeps order per key only; the sorter sorts). */
  private List<RowChange> rows(long tableId) {
    return byTable.getOrDefault(tableId, List.of()).stream()
        .filter(o -> o instanceof RowChange).map(o -> (RowChange) o)
        .sorted(java.util.Comparator.comparingLong(RowChange::getCommitTs)).toList();
  }

  private Optional<TableSchema> schema(long tableId, long version) {
    return byTable.getOrDefault(tableId, List.of()).stream()
        .filter(o -> o instanceof TableSchema s && s.getSchemaVersion() == version)
        .map(o -> (TableSchema) o).findFirst();
  }

  /** Resolved by its own marks or by the task checkpoints of its partition (an idle table has no marks). */
  private long covered(long tableId) {
    return Math.max(resolved(tableId), checkpoints.floor(InternalEvents.partitionOf(tableId, PARTITIONS)));
  }

  private void awaitResolved(PartitionReader reader, long ts, String... tables) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      read(reader);
      for (String t : tables) {
        if (idOf(t) < 0 || covered(idOf(t)) < ts) {
          return false;
        }
      }
      return true;
    });
  }

  /** Every row comes after its schema version's TableSchema and after no resolved ts at or above it. */
  private void assertOrdered(long tableId) {
    long seen = 0;
    List<Long> announced = new ArrayList<>();
    for (Object o : byTable.getOrDefault(tableId, List.of())) {
      if (o instanceof TableResolved r) {
        seen = Math.max(seen, r.getResolvedTs());
      } else if (o instanceof TableSchema s) {
        announced.add(s.getSchemaVersion());
      } else if (o instanceof RowChange r) {
        assertThat(r.getCommitTs()).isGreaterThan(seen);
        assertThat(announced).contains(r.getSchemaVersion());
        assertThat(r.getCommitTs()).isGreaterThan(r.getSchemaVersion());
      }
    }
  }

  private static String text(Object v) {
    return v == null ? null : StandardCharsets.UTF_8.decode(((ByteBuffer) v).duplicate()).toString();
  }

  @Test
  void rowsFollowDdlsAndNewTablesAreCaptured() throws Exception {
    sql.execute("CREATE DATABASE d");
    sql.execute("CREATE TABLE d.a (id INT PRIMARY KEY, v VARCHAR(10))");
    sql.execute("CREATE TABLE d.gone (id INT PRIMARY KEY)");
    long startTs = cluster.txnKv().currentTs();
    assertThat(connect.rest().put("/connectors/cf2/config", connectorConfig(startTs)).status()).isEqualTo(201);
    try (PartitionReader reader = connect.reader(TOPIC)) {
      sql.execute("INSERT INTO d.a VALUES (1, 'a')");
      sql.execute("INSERT INTO d.gone VALUES (1)");
      sql.execute("ALTER TABLE d.a ADD COLUMN w INT DEFAULT 7");
      sql.execute("INSERT INTO d.a VALUES (2, 'b', 3)");
      sql.execute("UPDATE d.a SET v = 'c' WHERE id = 1");
      sql.execute("CREATE TABLE d.b (id INT PRIMARY KEY, x INT)");
      sql.execute("INSERT INTO d.b VALUES (1, 10)");
      sql.execute("DROP TABLE d.gone");
      long beforeTruncate = cluster.txnKv().currentTs();
      awaitResolved(reader, beforeTruncate, "a", "b");
      long oldA = idOf("a");
      sql.execute("TRUNCATE TABLE d.a");
      sql.execute("INSERT INTO d.a VALUES (5, 'e', 5)");
      long end = cluster.txnKv().currentTs();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
        read(reader);
        return idOf("a") != oldA && covered(idOf("a")) >= end && covered(idOf("b")) >= end;
      });

      List<RowChange> a = rows(oldA);
      assertThat(a).extracting(RowChange::getOp).containsExactly(RowOp.INSERT, RowOp.INSERT, RowOp.UPDATE);
      assertThat(a.get(0).getColumns()).hasSize(2);
      assertThat(a.get(0).getSchemaVersion()).isZero();
      long addColumn = a.get(1).getSchemaVersion();
      assertThat(addColumn).isGreaterThan(a.get(0).getCommitTs()).isLessThan(a.get(1).getCommitTs());
      assertThat(schema(oldA, addColumn)).hasValueSatisfying(
          s -> assertThat(s.getColumns()).extracting(c -> c.getName()).containsExactly("id", "v", "w"));
      assertThat(a.get(1).getColumns()).containsExactly(2L, ByteBuffer.wrap("b".getBytes()), 3L);
      // The row written before ADD COLUMN reads the column's default in both images.
      assertThat(a.get(2).getSchemaVersion()).isEqualTo(addColumn);
      assertThat(text(a.get(2).getColumns().get(1))).isEqualTo("c");
      assertThat(a.get(2).getColumns().get(2)).isEqualTo(7L);
      assertThat(text(a.get(2).getPreColumns().get(1))).isEqualTo("a");

      long b = idOf("b");
      assertThat(rows(b)).singleElement().satisfies(r -> assertThat(r.getColumns()).containsExactly(1L, 10L));
      assertThat(schema(b, rows(b).get(0).getSchemaVersion())).isPresent();

      long newA = idOf("a");
      assertThat(rows(newA)).singleElement().satisfies(r -> assertThat(r.getColumns().get(0)).isEqualTo(5L));
      // The dropped table's row before the DROP came; its resolved ts stops advancing past the DROP.
      long gone = idOf("gone");
      assertThat(rows(gone)).hasSize(1);
      assertThat(resolved(gone)).isLessThan(end);
      for (long id : List.of(oldA, b, newA, gone)) {
        assertOrdered(id);
      }

      // Restart: the tasks resume from their checkpoints and keep following DDLs.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(connect.rest().get("/connectors/cf2/offsets").body())
              .contains("\"task\":\"0/2\",\"changefeed\":\"cf2\"},\"offset\":{\"checkpoint_ts\"")
              .contains("\"task\":\"1/2\",\"changefeed\":\"cf2\"},\"offset\":{\"checkpoint_ts\""));
      assertThat(connect.rest().post("/connectors/cf2/restart?includeTasks=true", null).status()).isBetween(200, 204);
      sql.execute("ALTER TABLE d.b ADD COLUMN y VARCHAR(5)");
      sql.execute("INSERT INTO d.b VALUES (2, 20, 'y')");
      sql.execute("CREATE TABLE d.c (id INT PRIMARY KEY)");
      sql.execute("INSERT INTO d.c VALUES (9)");
      long end2 = cluster.txnKv().currentTs();
      awaitResolved(reader, end2, "a", "b", "c");
      assertThat(rows(b)).filteredOn(r -> r.getColumns().get(0).equals(2L)).singleElement()
          .satisfies(r -> assertThat(text(r.getColumns().get(2))).isEqualTo("y"));
      assertThat(rows(idOf("c"))).singleElement().satisfies(r -> assertThat(r.getColumns()).containsExactly(9L));
      for (long id : List.of(b, idOf("c"))) {
        assertOrdered(id);
      }
    } finally {
      connect.rest().delete("/connectors/cf2");
    }
  }

  @Test
  void partitionsAddedOrTruncatedLaterAreCaptured() throws Exception {
    sql.execute("CREATE DATABASE p");
    sql.execute("CREATE TABLE p.r (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) "
        + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))");
    long startTs = cluster.txnKv().currentTs();
    connect.createTopic("_cdc.cf3.rows", PARTITIONS);
    String config = ConnectHarness.connectorConfig("cf3", cluster.pdAddress(), startTs, "p.*", "_cdc.cf3.rows", PARTITIONS);
    assertThat(connect.rest().put("/connectors/cf3/config", config).status()).isEqualTo(201);
    try (PartitionReader reader = connect.reader("_cdc.cf3.rows")) {
      sql.execute("INSERT INTO p.r VALUES (1, 1), (11, 11)");
      sql.execute("ALTER TABLE p.r ADD PARTITION (PARTITION p2 VALUES LESS THAN (30))");
      sql.execute("INSERT INTO p.r VALUES (21, 21)");
      sql.execute("ALTER TABLE p.r TRUNCATE PARTITION p0");
      sql.execute("INSERT INTO p.r VALUES (2, 2)");
      long end = cluster.txnKv().currentTs();
      awaitResolved(reader, end, "r");
      List<RowChange> rows = rows(idOf("r"));
      assertThat(rows).extracting(r -> r.getColumns().get(0)).containsExactly(1L, 11L, 21L, 2L);
      // Each row names its partition: four physical tables, the truncated p0 got a new id.
      assertThat(rows.stream().map(RowChange::getPhysicalTableId).distinct()).hasSize(4);
      assertThat(rows).allSatisfy(r -> assertThat(r.getPhysicalTableId()).isNotEqualTo(r.getTableId()));
      assertOrdered(idOf("r"));
    } finally {
      connect.rest().delete("/connectors/cf3");
    }
  }
}
