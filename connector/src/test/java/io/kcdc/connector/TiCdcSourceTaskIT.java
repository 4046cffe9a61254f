package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableResolved;
import io.kcdc.avro.TableSchema;
import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector inside a real distributed Connect worker, reading the embedded upstream over
 * gRPC and writing InternalEvents to a KRaft broker; a restart resumes from the stored offsets.
 */
class TiCdcSourceTaskIT {
  private static final String TOPIC = "_cdc.cf1.rows";
  private static final int PARTITIONS = 3;
  private static final TableInfo T1 = UpstreamFixture.table(100, "t1");
  private static final TableInfo T2 = UpstreamFixture.table(101, "t2");

  private static EmbeddedCluster cluster;
  private static ConnectHarness connect;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.builder().stores(2).resolvedTsInterval(Duration.ofMillis(100)).start();
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
    return ConnectHarness.connectorConfig("cf1", cluster.pdAddress(), startTs, "test.*", TOPIC, PARTITIONS);
  }

  /** Everything read so far, per table, in partition order. */
  private final Map<Long, List<Object>> byTable = new HashMap<>();

  private final ConnectHarness.TaskCheckpoints checkpoints = new ConnectHarness.TaskCheckpoints();

  private void read(PartitionReader reader) {
    for (ConnectHarness.Decoded d : ConnectHarness.poll(reader)) {
      if (d.event().getPayload() instanceof TaskCheckpoint c) {
        checkpoints.add(d.partition(), c);
        continue;
      }
      assertThat(d.partition()).isEqualTo(InternalEvents.partitionOf(d.tableId(), PARTITIONS));
      if (d.event().getPayload() instanceof RowChange r) {
        // the task checkpoints before it in the partition resolved its table too
        assertThat(r.getCommitTs()).isGreaterThan(checkpoints.floor(d.partition()));
      }
      byTable.computeIfAbsent(d.tableId(), k -> new ArrayList<>()).add(d.event().getPayload());
    }
  }

  /** The table's resolved ts: its own marks, or the task checkpoints of its partition (an idle table has none). */
  private long resolved(long tableId) {
    long ts = checkpoints.floor(InternalEvents.partitionOf(tableId, PARTITIONS));
    for (Object o : byTable.getOrDefault(tableId, List.of())) {
      if (o instanceof TableResolved r) {
        ts = Math.max(ts, r.getResolvedTs());
      }
    }
    return ts;
  }

  private List<RowChange> rows(long tableId) {
    return byTable.getOrDefault(tableId, List.of()).stream()
        .filter(o -> o instanceof RowChange).map(o -> (RowChange) o).toList();
  }

  private static long handle(RowChange r) {
    byte[] key = new byte[r.getKey().remaining()];
    r.getKey().duplicate().get(key);
    return TableCodec.decodeRecordKey(key).intHandle();
  }

  /** The table's content rebuilt from the rows in commit order. */
  private Map<Long, String> content(long tableId) {
    List<RowChange> rows = new ArrayList<>(rows(tableId));
    rows.sort((a, b) -> Long.compare(a.getCommitTs(), b.getCommitTs()));
    Map<Long, String> out = new HashMap<>();
    for (RowChange r : rows) {
      if (r.getOp() == RowOp.DELETE) {
        out.remove(handle(r));
      } else {
        ByteBuffer name = (ByteBuffer) r.getColumns().get(1);
        out.put(handle(r), StandardCharsets.UTF_8.decode(name.duplicate()).toString());
      }
    }
    return out;
  }

  private void awaitResolved(PartitionReader reader, long ts) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      read(reader);
      return resolved(T1.id()) >= ts && resolved(T2.id()) >= ts;
    });
  }

  @Test
  void capturesTablesAndResumesFromOffsetsAfterRestart() throws Exception {
    UpstreamFixture upstream = new UpstreamFixture(cluster.txnKv());
    upstream.createSchema(List.of(T1, T2));
    long startTs = cluster.txnKv().currentTs();
    long a1 = upstream.upsert(T1, UpstreamFixture.range(1, 20), "a-");
    long a2 = upstream.upsert(T2, UpstreamFixture.range(1, 5), "a-");

    assertThat(connect.rest().put("/connectors/cf1/config", connectorConfig(startTs)).status()).isEqualTo(201);
    try (PartitionReader reader = connect.reader(TOPIC)) {
      long b = upstream.upsert(T1, List.of(3L, 30L), "b-");
      long d = upstream.delete(T1, List.of(4L));
      awaitResolved(reader, Math.max(Math.max(a1, a2), d));

      for (TableInfo t : List.of(T1, T2)) {
        List<Object> events = byTable.get(t.id());
        assertThat(events.get(0)).isInstanceOfSatisfying(TableSchema.class, s -> {
          assertThat(s.getTableName()).isEqualTo(t.name().o());
          assertThat(s.getSchemaName()).isEqualTo("test");
          assertThat(s.getSchemaVersion()).isZero();
          assertThat(s.getColumns()).hasSize(2);
        });
        // A resolved ts is never followed by a row at or below it.
        long seen = 0;
        for (Object o : events) {
          if (o instanceof TableResolved r) {
            assertThat(r.getResolvedTs()).isGreaterThan(seen);
            seen = r.getResolvedTs();
          } else if (o instanceof RowChange r) {
            assertThat(r.getCommitTs()).isGreaterThan(seen);
            assertThat(r.getTableId()).isEqualTo(t.id());
          }
        }
      }
      Map<Long, String> t1 = content(T1.id());
      assertThat(t1).hasSize(20).containsEntry(3L, "b-3").containsEntry(30L, "b-30").doesNotContainKey(4L)
          .containsEntry(1L, "a-1");
      assertThat(rows(T1.id())).filteredOn(r -> r.getCommitTs() == b && handle(r) == 3).singleElement()
          .satisfies(r -> {
            assertThat(r.getOp()).isEqualTo(RowOp.UPDATE);
            assertThat(StandardCharsets.UTF_8.decode((ByteBuffer) r.getPreColumns().get(1)).toString()).isEqualTo("a-3");
          });
      assertThat(content(T2.id())).hasSize(5).containsEntry(5L, "a-5");

      // Let the worker commit the offsets (the last resolved ts of each table), then restart.
      long offsetFloor = Math.min(resolved(T1.id()), resolved(T2.id()));
      // Offsets are committed asynchronously (offset.flush.interval.ms); under load this takes a while.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
          .pollInterval(java.time.Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(connect.rest().get("/connectors/cf1/offsets").body())
              .contains("\"table_id\":" + T1.id() + "},\"offset\":{\"resolved_ts\"")
              .contains("\"table_id\":" + T2.id() + "},\"offset\":{\"resolved_ts\""));
      assertThat(connect.rest().post("/connectors/cf1/restart?includeTasks=true", null).status()).isBetween(200, 204);
      long c = upstream.upsert(T1, List.of(5L, 40L), "c-");
      long c2 = upstream.upsert(T2, List.of(6L), "c-");
      int schemasBefore = byTable.get(T1.id()).stream().filter(o -> o instanceof TableSchema).toList().size();
      awaitResolved(reader, Math.max(c, c2));

      assertThat(content(T1.id())).hasSize(21).containsEntry(5L, "c-5").containsEntry(40L, "c-40");
      assertThat(content(T2.id())).hasSize(6).containsEntry(6L, "c-6");
      // The restarted task announced its schema again and re-sent nothing at or below the stored offset.
      assertThat(byTable.get(T1.id()).stream().filter(o -> o instanceof TableSchema).toList()).hasSizeGreaterThan(schemasBefore);
      assertThat(rows(T1.id())).filteredOn(r -> r.getCommitTs() == a1).hasSize(20);
      List<String> belowOffset = rows(T1.id()).stream().filter(r -> r.getCommitTs() <= offsetFloor)
          .map(r -> r.getCommitTs() + "/" + handle(r)).toList();
      assertThat(belowOffset).isNotEmpty().doesNotHaveDuplicates();
    } finally {
      connect.rest().delete("/connectors/cf1");
    }
  }
}
