package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.streams.progress.ReadFromStartTopics;
import io.kcdc.testkit.Kafka;
import io.kcdc.upstream.EmbeddedUpstream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two captures share one changefeed (Connect tasks and Streams tasks spread over both); one of
 * them leaves in the middle of the workload (the owner, if it was). The other takes over its
 * tasks and, if needed, the ownership; the sink must still hold every row change exactly once, in
 * commit order per key.
 */
class MultiCaptureIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SINK_TOPIC = "mc-sink";
  private static final int TABLES = 4;

  private static TestStack stack;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;
  private static List<TestApi> apis;

  @BeforeAll
  static void startEverything() throws Exception {
    stack = TestStack.start("mc", 2, 4, 4);
    kafka = stack.kafka;
    upstream = stack.upstream;
    apis = stack.apis;
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  /** Expected content per table: id → v. */
  private final Map<String, Map<Long, Long>> expected = new HashMap<>();
  private final Random rnd = new Random(42);
  private long nextId = 1;
  private int changes;

  private void transaction(Connection db) throws Exception {
    // A key is touched at most once per transaction: TiDB folds several writes of a key into one change.
    java.util.Set<String> touched = new java.util.HashSet<>();
    try (Statement s = db.createStatement()) {
      for (int i = 0; i < 10; i++) {
        String table = "t" + rnd.nextInt(TABLES);
        Map<Long, Long> rows = expected.computeIfAbsent(table, t -> new TreeMap<>());
        long v = rnd.nextInt(1_000_000);
        List<Long> untouched = rows.keySet().stream().filter(id -> !touched.contains(table + "/" + id)).toList();
        if (untouched.isEmpty() || rnd.nextInt(3) > 0) {
          long id = nextId++;
          s.executeUpdate("INSERT INTO mc." + table + " VALUES (" + id + ", " + v + ")");
          rows.put(id, v);
          touched.add(table + "/" + id);
        } else {
          long id = untouched.get(rnd.nextInt(untouched.size()));
          touched.add(table + "/" + id);
          if (rnd.nextBoolean()) {
            s.executeUpdate("UPDATE mc." + table + " SET v = " + v + " WHERE id = " + id);
            rows.put(id, v);
          } else {
            s.executeUpdate("DELETE FROM mc." + table + " WHERE id = " + id);
            rows.remove(id);
          }
        }
        changes++;
      }
    }
    db.commit();
  }

  @Test
  void aCaptureLeavesAndTheOtherFinishesTheChangefeedExactlyOnce() throws Exception {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(
        () -> assertThat(apis.get(0).get("/api/v2/captures").path("total").asInt()).isEqualTo(2));
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "")) {
      try (Statement s = db.createStatement()) {
        s.execute("CREATE DATABASE mc");
        for (int t = 0; t < TABLES; t++) {
          s.execute("CREATE TABLE mc.t" + t + " (id BIGINT PRIMARY KEY, v BIGINT)");
        }
      }
      apis.get(0).post("/api/v2/changefeeds", """
          {"changefeed_id":"mc",
           "sink_uri":"kafka://%s/%s?protocol=canal-json&enable-tidb-extension=true&partition-num=3",
           "replica_config":{"filter":{"rules":["mc.*"]}}}""".formatted(kafka.bootstrapServers(), SINK_TOPIC));
      db.setAutoCommit(false);
      for (int i = 0; i < 30; i++) {
        transaction(db);
      }
      long middle = apis.get(0).tso();
      // Both captures run part of the changefeed before one leaves.
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(apis.get(0).checkpoint("mc")).isGreaterThanOrEqualTo(middle);
        JsonNode processors = apis.get(0).get("/api/v2/processors");
        assertThat(processors.path("total").asInt()).isEqualTo(2);
      });

      assertTopicsReadFromTheStartRollSegments();
      int leaving = ownerIndex();
      stack.stopCapture(leaving);
      TestApi staying = apis.get(1 - leaving);
      for (int i = 0; i < 30; i++) {
        transaction(db);
      }
      long end = staying.tso();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(staying.checkpoint("mc")).isGreaterThanOrEqualTo(end));
      assertThat(staying.get("/api/v2/captures").path("total").asInt()).isEqualTo(1);
    }
    assertThat(changes).isEqualTo(600);
    assertSinkHoldsEveryChangeOnce();
  }

  /**
   * A new owner reads the progress topic and a restarted connector task reads Connect's offsets topic from the start:
   * both roll segments often enough for compaction to keep that read short however long the captures have run.
   */
  private void assertTopicsReadFromTheStartRollSegments() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      List<String> topics = admin.listTopics().names().get().stream()
          .filter(t -> t.endsWith("-connect-offsets") || t.equals("_cdc.mc.progress")).sorted().toList();
      assertThat(topics).hasSize(2);
      for (String topic : topics) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("cleanup.policy").value()).as(topic).isEqualTo("compact");
        assertThat(Long.parseLong(config.get("segment.ms").value())).as(topic)
            .isEqualTo(ReadFromStartTopics.SEGMENT_MS);
        assertThat(Long.parseLong(config.get("delete.retention.ms").value())).as(topic)
            .isEqualTo(ReadFromStartTopics.DELETE_RETENTION_MS);
      }
    }
  }

  /** The capture that is the owner now (the one that leaves, so ownership moves too). */
  private int ownerIndex() throws Exception {
    JsonNode list = apis.get(0).get("/api/v2/captures");
    for (JsonNode c : list.path("items")) {
      if (c.path("is_owner").asBoolean()) {
        String address = c.path("address").asText();
        return apis.get(0).base().endsWith(address) ? 0 : 1;
      }
    }
    return 1;
  }

  private void assertSinkHoldsEveryChangeOnce() throws Exception {
    Map<String, Map<Long, Long>> replica = new HashMap<>();
    Map<String, Long> lastCommit = new HashMap<>();
    List<String> seen = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> rec : stack.read(SINK_TOPIC, 0, 1, 2)) {
      JsonNode m = JSON.readTree(rec.value());
      String type = m.path("type").asText();
      if (type.equals("TIDB_WATERMARK") || m.path("isDdl").asBoolean()) {
        continue;
      }
      String table = m.path("table").asText();
      JsonNode data = m.path("data").get(0);
      long id = data.path("id").asLong();
      long commitTs = m.path("_tidb").path("commitTs").asLong();
      String key = table + "/" + id;
      seen.add(key + "@" + commitTs);
      Long last = lastCommit.put(key, commitTs);
      if (last != null && last >= commitTs) {
        problems.add(key + " at " + commitTs + " after " + last);
      }
      Map<Long, Long> rows = replica.computeIfAbsent(table, t -> new TreeMap<>());
      if (type.equals("DELETE")) {
        rows.remove(id);
      } else {
        rows.put(id, data.path("v").asLong());
      }
    }
    assertThat(problems).as("per-key commit order, no duplicates").isEmpty();
    assertThat(seen).doesNotHaveDuplicates().hasSize(changes);
    for (Map.Entry<String, Map<Long, Long>> e : expected.entrySet()) {
      assertThat(replica.getOrDefault(e.getKey(), Map.of())).as("table %s", e.getKey()).isEqualTo(e.getValue());
    }
  }
}
