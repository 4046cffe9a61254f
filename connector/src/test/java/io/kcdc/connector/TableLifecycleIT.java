package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.avro.RowChange;
import io.kcdc.avro.TableRemoved;
import io.kcdc.avro.TableResolved;
import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.avro.TableSchema;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.sql.SqlEngine;
import io.kcdc.upstream.sql.SqlSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What happens to tables that leave a running task (docs/schema-lifecycle.md), with one task
 * polled directly against the embedded upstream: dropped, truncated and renamed-away tables are
 * unsubscribed (TiKV holds no registration of their spans any more) and announced with a
 * TableRemoved at their DDL, rows written to a table after it left are never mounted, EXCHANGE
 * PARTITION moves the rows written after it to the right tables, and RENAME TABLE a TO b, c TO d
 * gives the rows after it the new names.
 */
class TableLifecycleIT {
  private static EmbeddedCluster cluster;
  private static SqlSession sql;

  private TiCdcSourceTask task;
  /** Every payload emitted, per logical table, in order. */
  private final Map<Long, List<Object>> byTable = new HashMap<>();

  @BeforeAll
  static void startCluster() {
    cluster = EmbeddedCluster.builder().stores(2).resolvedTsInterval(Duration.ofMillis(100)).start();
    sql = new SqlEngine(cluster.txnKv(), "v").bootstrap().open(1, "root");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void stopTask() {
    if (task != null) {
      task.stop();
    }
  }

  private void startTask(String changefeed, String rule) {
    Map<String, String> props = new HashMap<>();
    props.put(TiCdcSourceConfig.CHANGEFEED_ID, changefeed);
    props.put(TiCdcSourceConfig.PD_ADDRESSES, cluster.pdAddress());
    props.put(TiCdcSourceConfig.START_TS, Long.toString(cluster.txnKv().currentTs()));
    props.put(TiCdcSourceConfig.FILTER_RULES, "[\"" + rule + "\"]");
    props.put(TiCdcSourceConfig.TOPIC, "_cdc." + changefeed + ".rows");
    props.put(TiCdcSourceConfig.TOPIC_PARTITIONS, "1");
    props.put(TiCdcSourceConfig.RESOLVED_TS_INTERVAL_MS, "100");
    props.put(TiCdcSourceConfig.TASK_INDEX, "0");
    props.put(TiCdcSourceConfig.TASK_COUNT, "1");
    task = new TiCdcSourceTask();
    task.start(props);
  }

  private long taskCheckpoint;

  private void poll() throws InterruptedException {
    List<SourceRecord> records = task.poll();
    for (SourceRecord r : records == null ? List.<SourceRecord>of() : records) {
      if (r.key() == null && InternalEvents.deserialize((byte[]) r.value()).getPayload() instanceof TaskCheckpoint c) {
        taskCheckpoint = Math.max(taskCheckpoint, c.getCheckpointTs());
      } else if (r.key() != null) {
        long tableId = InternalEvents.tableIdOf((byte[]) r.key());
        byTable.computeIfAbsent(tableId, k -> new ArrayList<>()).add(InternalEvents.deserialize((byte[]) r.value()).getPayload());
      }
    }
  }

  private void pollUntil(java.util.concurrent.Callable<Boolean> done) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
      poll();
      return done.call();
    });
  }

  private long id(String db, String table) {
    var snap = cluster.txnKv().snapshot(cluster.txnKv().currentTs());
    long dbId = Catalog.database(snap, db).orElseThrow().id();
    return Catalog.table(snap, dbId, table).orElseThrow().id();
  }

  /** Resolved by its own marks or by the (single) task's checkpoint: an idle table has no marks of its own. */
  private long covered(long tableId) {
    return Math.max(resolved(tableId), taskCheckpoint);
  }

  private long resolved(long tableId) {
    return byTable.getOrDefault(tableId, List.of()).stream().filter(o -> o instanceof TableResolved)
        .mapToLong(o -> ((TableResolved) o).getResolvedTs()).max().orElse(0);
  }

  private List<RowChange> rows(long tableId) {
    return byTable.getOrDefault(tableId, List.of()).stream().filter(o -> o instanceof RowChange)
        .map(o -> (RowChange) o).toList();
  }

  private List<TableRemoved> removed(long tableId) {
    return byTable.getOrDefault(tableId, List.of()).stream().filter(o -> o instanceof TableRemoved)
        .map(o -> (TableRemoved) o).toList();
  }

  private String nameAt(long tableId, long version) {
    return byTable.getOrDefault(tableId, List.of()).stream()
        .filter(o -> o instanceof TableSchema s && s.getSchemaVersion() == version)
        .map(o -> ((TableSchema) o).getTableName()).findFirst().orElse(null);
  }

  private static int registrations(long physicalId) {
    return cluster.cdcRegistrations(TableCodec.tableSpan(physicalId));
  }

  @Test
  void tablesThatLeaveAreUnsubscribedRemovedAndTheirLaterRowsNeverMounted() throws Exception {
    sql.execute("CREATE DATABASE l1");
    sql.execute("CREATE DATABASE elsewhere");
    for (String t : List.of("keep", "gone", "trunc", "moved")) {
      sql.execute("CREATE TABLE l1." + t + " (id INT PRIMARY KEY, v INT)");
    }
    long keep = id("l1", "keep");
    long gone = id("l1", "gone");
    long trunc = id("l1", "trunc");
    long moved = id("l1", "moved");
    startTask("life1", "l1.*");
    for (String t : List.of("keep", "gone", "trunc", "moved")) {
      sql.execute("INSERT INTO l1." + t + " VALUES (1, 1)");
    }
    long written = cluster.txnKv().currentTs();
    pollUntil(() -> List.of(keep, gone, trunc, moved).stream().allMatch(t -> covered(t) >= written));
    for (long t : List.of(keep, gone, trunc, moved)) {
      assertThat(registrations(t)).as("registrations of table %d", t).isPositive();
    }

    sql.execute("DROP TABLE l1.gone");
    sql.execute("TRUNCATE TABLE l1.trunc");
    sql.execute("RENAME TABLE l1.moved TO elsewhere.moved");
    long ddlsDone = cluster.txnKv().currentTs();
    // written after the tables left (the renamed one still exists, outside the filter)
    sql.execute("INSERT INTO elsewhere.moved VALUES (2, 2)");
    sql.execute("INSERT INTO l1.trunc VALUES (3, 3)");
    sql.execute("INSERT INTO l1.keep VALUES (4, 4)");
    long newTrunc = id("l1", "trunc");
    long end = cluster.txnKv().currentTs();
    pollUntil(() -> covered(keep) >= end && covered(newTrunc) >= end
        && List.of(gone, trunc, moved).stream().allMatch(t -> !removed(t).isEmpty()));

    for (long t : List.of(gone, trunc, moved)) {
      TableRemoved r = removed(t).get(0);
      assertThat(r.getRemovedTs()).isGreaterThan(written).isLessThanOrEqualTo(ddlsDone);
      // the last TableResolved is the DDL's ts and nothing follows the TableRemoved
      List<Object> events = byTable.get(t);
      assertThat(events.get(events.size() - 1)).isEqualTo(r);
      assertThat(resolved(t)).isEqualTo(r.getRemovedTs());
      assertThat(rows(t)).singleElement().satisfies(row -> assertThat(row.getColumns().get(0)).isEqualTo(1L));
    }
    assertThat(rows(newTrunc)).singleElement().satisfies(row -> assertThat(row.getColumns().get(0)).isEqualTo(3L));
    assertThat(rows(keep)).extracting(row -> row.getColumns().get(0)).containsExactly(1L, 4L);
    // TiKV is asked to stop: the regions of the tables that left are no longer observed
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      poll();
      assertThat(List.of(gone, trunc, moved)).allSatisfy(t -> assertThat(registrations(t)).isZero());
    });
    assertThat(registrations(keep)).isPositive();
    assertThat(registrations(newTrunc)).isPositive();
  }

  @Test
  void exchangePartitionMovesLaterRowsToTheRightTables() throws Exception {
    sql.execute("CREATE DATABASE l2");
    sql.execute("CREATE TABLE l2.pt (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) "
        + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))");
    sql.execute("CREATE TABLE l2.nt (id INT PRIMARY KEY, v INT)");
    long pt = id("l2", "pt");
    long nt = id("l2", "nt");
    startTask("life2", "l2.*");
    sql.execute("INSERT INTO l2.pt VALUES (1, 1), (11, 11)");
    sql.execute("INSERT INTO l2.nt VALUES (15, 15)");
    List<Long> partitions = partitionIds("l2", "pt");
    long p0 = partitions.get(0);
    long p1 = partitions.get(1);
    sql.execute("ALTER TABLE l2.pt EXCHANGE PARTITION p1 WITH TABLE l2.nt");
    assertThat(id("l2", "nt")).isEqualTo(p1);
    sql.execute("INSERT INTO l2.pt VALUES (16, 16)"); // into p1, now physical id `nt`
    sql.execute("INSERT INTO l2.nt VALUES (12, 12)"); // into nt, now physical id `p1`
    sql.execute("UPDATE l2.nt SET v = 120 WHERE id = 11"); // the row that was pt's before the exchange
    long end = cluster.txnKv().currentTs();
    pollUntil(() -> covered(pt) >= end && covered(p1) >= end && !removed(nt).isEmpty());

    assertThat(rows(pt)).extracting(r -> r.getColumns().get(0), RowChange::getPhysicalTableId)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1L, p0),
            org.assertj.core.groups.Tuple.tuple(11L, p1), org.assertj.core.groups.Tuple.tuple(16L, nt));
    assertThat(rows(nt)).extracting(r -> r.getColumns().get(0)).containsExactly(15L);
    assertThat(rows(p1)).extracting(r -> r.getColumns().get(0)).containsExactlyInAnyOrder(12L, 11L);
    assertThat(rows(p1)).allSatisfy(r -> assertThat(nameAt(p1, r.getSchemaVersion())).isEqualTo("nt"));
    assertThat(rows(pt)).allSatisfy(r -> assertThat(nameAt(pt, r.getSchemaVersion())).isEqualTo("pt"));
  }

  private List<Long> partitionIds(String db, String table) {
    var snap = cluster.txnKv().snapshot(cluster.txnKv().currentTs());
    long dbId = Catalog.database(snap, db).orElseThrow().id();
    return Catalog.table(snap, dbId, table).orElseThrow().physicalTableIds();
  }

  @Test
  void rowsAfterARenameOfSeveralTablesCarryTheNewNames() throws Exception {
    sql.execute("CREATE DATABASE l3");
    sql.execute("CREATE TABLE l3.a (id INT PRIMARY KEY)");
    sql.execute("CREATE TABLE l3.c (id INT PRIMARY KEY)");
    long a = id("l3", "a");
    long c = id("l3", "c");
    startTask("life3", "l3.*");
    sql.execute("INSERT INTO l3.a VALUES (1)");
    sql.execute("INSERT INTO l3.c VALUES (1)");
    sql.execute("RENAME TABLE l3.a TO l3.b, l3.c TO l3.d");
    sql.execute("INSERT INTO l3.b VALUES (2)");
    sql.execute("INSERT INTO l3.d VALUES (2)");
    long end = cluster.txnKv().currentTs();
    pollUntil(() -> covered(a) >= end && covered(c) >= end);

    for (long[] t : new long[][] {{a}, {c}}) {
      List<RowChange> rows = rows(t[0]);
      assertThat(rows).hasSize(2);
      assertThat(nameAt(t[0], rows.get(0).getSchemaVersion())).isEqualTo(t[0] == a ? "a" : "c");
      assertThat(nameAt(t[0], rows.get(1).getSchemaVersion())).isEqualTo(t[0] == a ? "b" : "d");
      assertThat(rows.get(1).getSchemaVersion()).isEqualTo(rows(a).get(1).getSchemaVersion());
    }
    assertThat(removed(a)).isEmpty();
    assertThat(removed(c)).isEmpty();
  }
}
