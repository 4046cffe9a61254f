package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.sql.OrphanLocks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orphan locks (a TiDB died between prewrite and commit, TiDB's 3 s TTL) against the whole
 * pipeline: the changefeed's checkpoint moves again within 60 s, and the row reaches the sink
 * exactly once when its primary committed, never when it did not; {@code POST
 * /api/v2/unsafe/resolve_lock} resolves a region's locks on demand and answers {@code 200 {}} as
 * TiCDC v8.5.0's {@code cdc/api/v2/unsafe.go} does.
 */
class OrphanLockIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration CHECKPOINT_WITHIN = Duration.ofSeconds(60);
  private static final String SINK = "orphan-sink";

  private static TestStack stack;
  private static EmbeddedUpstream upstream;
  private static TestApi api;

  @BeforeAll
  static void startEverything() throws Exception {
    stack = TestStack.start("orphan-lock", 1, 1, 1);
    upstream = stack.upstream;
    api = stack.api();
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE ol");
      s.execute("CREATE TABLE ol.t (id BIGINT PRIMARY KEY, v VARCHAR(20) DEFAULT 'orphan', KEY iv (v))");
      s.execute("CREATE DATABASE other");
      s.execute("CREATE TABLE other.x (id BIGINT PRIMARY KEY, v VARCHAR(20) DEFAULT 'x', KEY iv (v))");
      long startTs = api.tso();
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"ol","start_ts":%d,
           "sink_uri":"kafka://%s/%s?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["ol.*"]}}}""".formatted(startTs, stack.kafka.bootstrapServers(), SINK));
      s.execute("INSERT INTO ol.t VALUES (1, 'a')");
    }
    awaitCheckpointPast(api.tso(), Duration.ofMinutes(2));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private static void awaitCheckpointPast(long ts, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(api.checkpoint("ol")).isGreaterThanOrEqualTo(ts));
  }

  /** Inserts (id, commit ts) of table t in the sink, in order. */
  private static List<long[]> sinkInserts() throws java.io.IOException {
    List<long[]> out = new ArrayList<>();
    for (var rec : io.kcdc.testkit.PartitionReader.readAll(stack.kafka.bootstrapServers(), SINK, 0)) {
      JsonNode m = JSON.readTree(rec.value());
      if ("INSERT".equals(m.path("type").asText()) && "t".equals(m.path("table").asText())) {
        out.add(new long[] {m.path("data").get(0).path("id").asLong(), m.path("_tidb").path("commitTs").asLong()});
      }
    }
    return out;
  }

  private static long tableId(String db, String table) throws Exception {
    var snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    long dbId = io.kcdc.upstream.catalog.Catalog.database(snap, db).orElseThrow().id();
    return io.kcdc.upstream.catalog.Catalog.table(snap, dbId, table).orElseThrow().id();
  }

  /** Raw {@code t{id}}: every key of the table. */
  private static byte[] tablePrefix(long tableId) {
    return java.util.Arrays.copyOf(TableCodec.recordPrefix(tableId), 9);
  }

  private static int locksIn(KeySpan span) {
    return upstream.cluster().store().scanLocks(span, Long.MAX_VALUE, 100).size();
  }

  @Test
  void aCommittedPrimaryMakesTheRowAppearOnceAndTheCheckpointMoveOn() throws Exception {
    OrphanLocks.Orphan orphan = upstream.orphanLock("ol", "t", 10, true);
    long after = api.tso();
    long began = System.nanoTime();
    awaitCheckpointPast(after, CHECKPOINT_WITHIN);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(CHECKPOINT_WITHIN);
    assertThat(sinkInserts()).filteredOn(r -> r[0] == 10).singleElement()
        .satisfies(r -> assertThat(r[1]).isEqualTo(orphan.commitTs()));
  }

  @Test
  void anUncommittedPrimaryIsRolledBackAndTheRowNeverAppears() throws Exception {
    upstream.orphanLock("ol", "t", 20, false);
    long after = api.tso();
    awaitCheckpointPast(after, CHECKPOINT_WITHIN);
    assertThat(locksIn(TableCodec.tableSpan(tableId("ol", "t")))).isZero();
    assertThat(sinkInserts()).noneMatch(r -> r[0] == 20);
  }

  @Test
  void resolveLockRouteResolvesARegionOnDemand() throws Exception {
    // other.x in a region of its own, which no changefeed watches: only the route resolves there.
    long x = tableId("other", "x");
    upstream.cluster().split(Codec.encodeBytes(tablePrefix(x)));
    upstream.cluster().split(Codec.encodeBytes(tablePrefix(x + 1)));
    long region = upstream.cluster().regions().regionOf(Codec.encodeBytes(TableCodec.recordKey(x, 1))).id();
    KeySpan span = new KeySpan(Codec.encodeBytes(tablePrefix(x)), Codec.encodeBytes(tablePrefix(x + 1)));

    OrphanLocks.Orphan committed = upstream.orphanLock("other", "x", 1, true);
    HttpResponse<String> ok = resolveLock(region, api.tso());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).isEmpty()).isTrue();
    assertThat(locksIn(span)).isZero();
    assertThat(upstream.cluster().store().get(committed.rowKey(), api.tso()).orElseThrow().commitTs())
        .isEqualTo(committed.commitTs());

    // An uncommitted orphan is alive for its 3 s TTL, then rolled back with its primary.
    OrphanLocks.Orphan uncommitted = upstream.orphanLock("other", "x", 2, false);
    assertThat(resolveLock(region, api.tso()).statusCode()).isEqualTo(200);
    assertThat(locksIn(span)).isEqualTo(2);
    Thread.sleep(3_500);
    assertThat(resolveLock(region, api.tso()).statusCode()).isEqualTo(200);
    assertThat(locksIn(span)).isZero();
    assertThat(upstream.cluster().store().get(uncommitted.rowKey(), api.tso())).isEmpty();
  }

  private static HttpResponse<String> resolveLock(long regionId, long ts) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v2/unsafe/resolve_lock"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"region_id\":" + regionId + ",\"ts\":" + ts + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
