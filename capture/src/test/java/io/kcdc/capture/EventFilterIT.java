package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.testkit.Http;
import io.kcdc.testkit.Kafka;
import io.kcdc.upstream.EmbeddedUpstream;
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
 * {@code filter.event_filters} end to end: a changefeed created through the v2 API with an ignored event type, a
 * value expression and an ignored DDL type writes canal-json without them, and its checkpoint still advances.
 */
class EventFilterIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestStack stack;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;
  private static TestApi api;

  @BeforeAll
  static void startEverything() throws Exception {
    stack = TestStack.start("event-filter", 1, 2, 1);
    kafka = stack.kafka;
    upstream = stack.upstream;
    api = stack.api();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void ignoredEventsAndMatchingRowsAreNotWritten() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE ef");
      s.execute("CREATE TABLE ef.t (id INT PRIMARY KEY, v VARCHAR(10))");
      s.execute("CREATE TABLE ef.u (id INT PRIMARY KEY)");
      long startTs = api.tso();
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"ef","start_ts":%d,
           "sink_uri":"kafka://%s/ef-sink?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["ef.*"],"event_filters":[
             {"matcher":["ef.t"],"ignore_event":["delete"],"ignore_insert_value_expr":"id >= 100"},
             {"matcher":["ef.*"],"ignore_event":["create index"]}]}}}""".formatted(startTs, kafka.bootstrapServers()));
      s.execute("INSERT INTO ef.t VALUES (1, 'a'), (2, 'b'), (100, 'x'), (150, 'y')");
      s.execute("UPDATE ef.t SET v = 'z' WHERE id = 1");
      s.execute("DELETE FROM ef.t WHERE id = 2");
      s.execute("INSERT INTO ef.u VALUES (100)"); // another table: the expression rule does not match it
      s.execute("CREATE INDEX iv ON ef.t (v)");
      s.execute("ALTER TABLE ef.t ADD COLUMN w INT");
      s.execute("INSERT INTO ef.t VALUES (3, 'c', 3), (300, 'd', 4)");
      s.execute("DELETE FROM ef.u WHERE id = 100"); // delete is ignored for ef.t only
      long endTs = api.tso();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(api.checkpoint("ef")).isGreaterThanOrEqualTo(endTs));

      List<JsonNode> messages = read("ef-sink");
      List<String> ddls = messages.stream().filter(m -> m.path("isDdl").asBoolean())
          .map(m -> m.path("type").asText() + " " + m.path("sql").asText()).toList();
      assertThat(ddls).singleElement().satisfies(d -> assertThat(d).startsWith("ALTER").contains("ADD COLUMN w"));
      List<String> rows = messages.stream().filter(m -> !m.path("isDdl").asBoolean())
          .map(m -> m.path("table").asText() + " " + m.path("type").asText() + " " + m.path("data").get(0)).toList();
      // Commit order holds per table; the two tables are released independently.
      assertThat(rows.stream().filter(r -> r.startsWith("t "))).containsExactly(
          "t INSERT {\"id\":\"1\",\"v\":\"a\"}",
          "t INSERT {\"id\":\"2\",\"v\":\"b\"}",
          "t UPDATE {\"id\":\"1\",\"v\":\"z\"}",
          "t INSERT {\"id\":\"3\",\"v\":\"c\",\"w\":\"3\"}");
      assertThat(rows.stream().filter(r -> r.startsWith("u "))).containsExactly(
          "u INSERT {\"id\":\"100\"}",
          "u DELETE {\"id\":\"100\"}");
    }
  }

  @Test
  void anInvalidExpressionIsRefusedAtCreate() throws Exception {
    Http.Response r = api.http().post("/api/v2/changefeeds", """
        {"changefeed_id":"ef-bad","start_ts":%d,"sink_uri":"blackhole://",
         "replica_config":{"filter":{"rules":["ef.*"],"event_filters":[
           {"matcher":["ef.t"],"ignore_insert_value_expr":"id >>= 1"}]}}}""".formatted(api.tso()));
    assertThat(r.status()).as(r.body()).isEqualTo(500);
    JsonNode body = r.json();
    assertThat(body.path("error_code").asText()).isEqualTo("CDC:ErrInvalidFilterExpression");
    assertThat(body.path("error_msg").asText()).contains("There is a syntax error in: 'id >>= 1'");
  }

  @Test
  void aStreamsErrorReachesTheChangefeedAndAnUnretryableOneFailsIt() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE ef3");
      s.execute("CREATE TABLE ef3.t (id INT PRIMARY KEY)");
      // The column only turns out to be missing when the table's first row is filtered.
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"ef-col","start_ts":%d,"sink_uri":"blackhole://",
           "replica_config":{"filter":{"rules":["ef3.*"],"event_filters":[
             {"matcher":["ef3.t"],"ignore_insert_value_expr":"nope > 1"}]}}}""".formatted(api.tso()));
      s.execute("INSERT INTO ef3.t VALUES (1)");
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        JsonNode cf = api.get("/api/v2/changefeeds/ef-col");
        assertThat(cf.path("state").asText()).isEqualTo("failed");
        assertThat(cf.path("error").path("code").asText()).isEqualTo("CDC:ErrExpressionColumnNotFound");
        assertThat(cf.path("error").path("message").asText()).contains("nope");
      });
    }
  }

  /** The partition's canal-json messages without watermarks, as a read_committed consumer sees them. */
  private static List<JsonNode> read(String topic) throws Exception {
    List<JsonNode> messages = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> rec : stack.read(topic, 0)) {
      JsonNode m = JSON.readTree(rec.value());
      if (!m.path("type").asText().equals("TIDB_WATERMARK")) {
        messages.add(m);
      }
    }
    return messages;
  }
}
