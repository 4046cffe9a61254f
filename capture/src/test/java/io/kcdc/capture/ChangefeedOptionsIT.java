package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.testkit.PartitionReader;
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
 * Options of the v2 API that must act in the data path: {@code target_ts} (nothing above it reaches the sink,
 * the changefeed finishes there) and {@code overwrite_checkpoint_ts} on resume (a rewind replicates again, a
 * skip skips), as TiCDC does.
 */
class ChangefeedOptionsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start("options", 1, 2, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void targetTsStopsTheSinkThereAndFinishesTheChangefeed() throws Exception {
    TestApi api = stack.api();
    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE target");
      s.execute("CREATE TABLE target.t (id INT PRIMARY KEY)");
      long startTs = api.tso();
      for (int i = 1; i <= 5; i++) {
        s.execute("INSERT INTO target.t VALUES (" + i + ")");
      }
      long targetTs = api.tso();
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"target","start_ts":%d,"target_ts":%d,
           "sink_uri":"kafka://%s/options-target?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["target.*"]}}}"""
          .formatted(startTs, targetTs, stack.kafka.bootstrapServers()));
      for (int i = 6; i <= 10; i++) {
        s.execute("INSERT INTO target.t VALUES (" + i + ")");
      }
      s.execute("CREATE TABLE target.later (id INT PRIMARY KEY)");
      s.execute("INSERT INTO target.later VALUES (1)");
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        JsonNode cf = api.get("/api/v2/changefeeds/target");
        assertThat(cf.path("state").asText()).isEqualTo("finished");
        assertThat(Long.parseUnsignedLong(cf.path("checkpoint_ts").asText())).isEqualTo(targetTs);
      });
      Thread.sleep(3_000); // anything released late would be in the topic by now
      List<JsonNode> events = events("options-target");
      assertThat(events).filteredOn(e -> e.path("type").asText().equals("INSERT"))
          .extracting(e -> e.path("data").get(0).path("id").asInt()).containsExactly(1, 2, 3, 4, 5);
      assertThat(events).noneMatch(e -> e.path("isDdl").asBoolean());
      assertThat(events).allMatch(e -> e.path("_tidb").path("commitTs").asLong(0) <= targetTs
          && e.path("_tidb").path("watermarkTs").asLong(0) <= targetTs);
    }
  }

  @Test
  void overwriteCheckpointTsRewindsAndSkips() throws Exception {
    TestApi api = stack.api();
    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE rewind");
      s.execute("CREATE TABLE rewind.t (id INT PRIMARY KEY)");
      long beforeRows = api.tso();
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"rewind","start_ts":%d,
           "sink_uri":"kafka://%s/options-rewind?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["rewind.*"]}}}"""
          .formatted(beforeRows, stack.kafka.bootstrapServers()));
      for (int i = 1; i <= 3; i++) {
        s.execute("INSERT INTO rewind.t VALUES (" + i + ")");
      }
      awaitCheckpoint(api, api.tso());
      assertThat(inserted()).containsExactly(1, 2, 3);

      // Rewind: everything after beforeRows is replicated again.
      api.post("/api/v2/changefeeds/rewind/pause", "{}");
      api.post("/api/v2/changefeeds/rewind/resume", "{\"overwrite_checkpoint_ts\":" + beforeRows + "}");
      awaitCheckpoint(api, api.tso());
      assertThat(inserted()).containsExactly(1, 2, 3, 1, 2, 3);

      // Skip: rows written while paused and before the new checkpoint never arrive.
      api.post("/api/v2/changefeeds/rewind/pause", "{}");
      for (int i = 4; i <= 6; i++) {
        s.execute("INSERT INTO rewind.t VALUES (" + i + ")");
      }
      long skipTo = api.tso();
      s.execute("INSERT INTO rewind.t VALUES (7)");
      api.post("/api/v2/changefeeds/rewind/resume", "{\"overwrite_checkpoint_ts\":" + skipTo + "}");
      s.execute("INSERT INTO rewind.t VALUES (8)");
      awaitCheckpoint(api, api.tso());
      assertThat(inserted()).containsExactly(1, 2, 3, 1, 2, 3, 7, 8);
    }
  }

  private static void awaitCheckpoint(TestApi api, long ts) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(api.checkpoint("rewind")).isGreaterThanOrEqualTo(ts));
  }

  private static List<Integer> inserted() throws Exception {
    return events("options-rewind").stream().filter(e -> e.path("type").asText().equals("INSERT"))
        .map(e -> e.path("data").get(0).path("id").asInt()).toList();
  }

  private static List<JsonNode> events(String topic) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (var r : PartitionReader.readAll(stack.kafka.bootstrapServers(), topic, 0)) {
      out.add(JSON.readTree(r.value()));
    }
    return out;
  }
}
