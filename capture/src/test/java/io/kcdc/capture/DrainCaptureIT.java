package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.testkit.Http;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v2/captures/{id}/drain} (TiCDC's drainCapture,
 * https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/api/v2/capture.go): the owner and unknown captures are refused
 * with TiCDC's errors; a drained capture hands its tables to the other capture, the answer's
 * {@code current_table_count} falls to 0, and every row still reaches the sink exactly once.
 */
class DrainCaptureIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SINK_TOPIC = "drain-sink";
  private static final int TABLES = 4;

  private static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start("drain", 2, 4, 4);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private long nextId = 1;

  private void insert(Statement s, int rowsPerTable) throws Exception {
    for (int i = 0; i < rowsPerTable; i++) {
      for (int t = 0; t < TABLES; t++) {
        s.execute("INSERT INTO dr.t" + t + " VALUES (" + nextId++ + ")");
      }
    }
  }

  @Test
  void drainMovesTheTablesAndRowsKeepFlowingOnce() throws Exception {
    TestApi api = stack.api();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(
        () -> assertThat(api.get("/api/v2/captures").path("total").asInt()).isEqualTo(2));
    String owner = null;
    String other = null;
    for (JsonNode c : api.get("/api/v2/captures").path("items")) {
      if (c.path("is_owner").asBoolean()) {
        owner = c.path("id").asText();
      } else {
        other = c.path("id").asText();
      }
    }
    assertThat(owner).isNotNull();
    assertThat(other).isNotNull();

    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE dr");
      for (int t = 0; t < TABLES; t++) {
        s.execute("CREATE TABLE dr.t" + t + " (id BIGINT PRIMARY KEY)");
      }
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"dr",
           "sink_uri":"kafka://%s/%s?protocol=canal-json&enable-tidb-extension=true&partition-num=2",
           "replica_config":{"filter":{"rules":["dr.*"]}}}""".formatted(stack.kafka.bootstrapServers(), SINK_TOPIC));
      insert(s, 5);
      long first = api.tso();
      String drained = other;
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(Long.compareUnsigned(api.checkpoint("dr"), first)).isGreaterThanOrEqualTo(0);
        assertThat(tablesOn(api, drained)).isPositive();
      });

      Http http = api.http();
      Http.Response r = http.post("/api/v2/captures/" + owner + "/drain", "");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().path("error_code").asText()).isEqualTo("CDC:ErrSchedulerRequestFailed");
      assertThat(r.json().path("error_msg").asText()).contains("cannot drain the owner");
      r = http.post("/api/v2/captures/no-such-capture/drain", "");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().path("error_code").asText()).isEqualTo("CDC:ErrCaptureNotExist");

      r = http.post("/api/v2/captures/" + drained + "/drain", "");
      assertThat(r.status()).as(r.body()).isEqualTo(202);
      assertThat(r.json().path("current_table_count").asInt()).isPositive();
      insert(s, 5); // rows written while the tables move
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        Http.Response again = http.post("/api/v2/captures/" + drained + "/drain", "");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("current_table_count").asInt()).isZero();
      });
      insert(s, 5);
      long end = api.tso();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(Long.compareUnsigned(api.checkpoint("dr"), end)).isGreaterThanOrEqualTo(0));
      // The drained capture is still a member of the cluster but runs nothing.
      assertThat(api.get("/api/v2/captures").path("total").asInt()).isEqualTo(2);
      assertThat(tablesOn(api, drained)).isZero();
      assertThat(tablesOn(api, owner)).isEqualTo(TABLES);
    }
    List<Long> ids = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> rec : stack.read(SINK_TOPIC, 0, 1)) {
      JsonNode m = JSON.readTree(rec.value());
      if (m.path("type").asText().equals("INSERT")) {
        ids.add(m.path("data").get(0).path("id").asLong());
      }
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize((int) nextId - 1);
  }

  private static int tablesOn(TestApi api, String capture) throws Exception {
    Http.Response r = api.http().get("/api/v2/processors/dr/" + capture);
    return r.status() == 200 ? r.json().path("table_ids").size() : 0;
  }
}
