package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows up to TiDB's default entry limit (6 MiB, {@code txn-entry-size-limit}) flow through every hop: the
 * connector's producer and the internal topic, the sorter's changelog, the sink. At the sink, TiCDC's
 * {@code max-message-bytes} rules apply: it is lowered to the topic's {@code max.message.bytes} (the broker's
 * {@code message.max.bytes} for a topic the sink creates), a larger message is cut to its handle key with
 * {@code large-message-handle-option=handle-key-only}, and with no handle option the changefeed gets
 * {@code CDC:ErrMessageTooLarge} instead of a dead task (tiflow {@code pkg/sink/kafka/options.go}, {@code AdjustOptions}).
 */
class LargeRowIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FIVE_MIB = 5 << 20;
  private static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start("large-rows", 1, 1, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private static String payload(char first, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) (first + i % 26));
    }
    return b.toString();
  }

  @Test
  void rowsOfFiveMebibytesReachTheSinkWholeOrAsTheirHandleKeyOrFailTheChangefeed() throws Exception {
    TestApi api = stack.api();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("large-whole", 1, (short) 1)
          .configs(Map.of("max.message.bytes", Integer.toString(16 << 20))))).all().get();
    }
    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE large");
      s.execute("CREATE TABLE large.t (id INT PRIMARY KEY, b LONGTEXT)");
      long startTs = api.tso();
      String filter = "\"replica_config\":{\"filter\":{\"rules\":[\"large.*\"]}";
      String kafka = stack.kafka.bootstrapServers();
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"large-whole","start_ts":%d,
           "sink_uri":"kafka://%s/large-whole?protocol=canal-json&max-message-bytes=%d",%s}}"""
          .formatted(startTs, kafka, 16 << 20, filter));
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"large-key","start_ts":%d,
           "sink_uri":"kafka://%s/large-key?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           %s,"sink":{"kafka_config":{"large_message_handle":{"large_message_handle_option":"handle-key-only"}}}}}"""
          .formatted(startTs, kafka, filter));
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"large-none","start_ts":%d,
           "sink_uri":"kafka://%s/large-none?protocol=canal-json&partition-num=1",%s}}"""
          .formatted(startTs, kafka, filter));

      String first = payload('a', FIVE_MIB);
      String second = payload('b', FIVE_MIB);
      try (PreparedStatement insert = db.prepareStatement("INSERT INTO large.t VALUES (?, ?)")) {
        insert.setInt(1, 1);
        insert.setString(2, first);
        insert.execute();
      }
      try (PreparedStatement update = db.prepareStatement("UPDATE large.t SET b = ? WHERE id = 1")) {
        update.setString(1, second); // old and new value: 10 MiB in one row change
        update.execute();
      }
      s.execute("INSERT INTO large.t VALUES (2, 'small')");

      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
          assertThat(dml("large-whole")).hasSize(3));
      List<JsonNode> whole = dml("large-whole");
      assertThat(whole.get(0).path("type").asText()).isEqualTo("INSERT");
      assertThat(whole.get(0).path("data").get(0).path("b").asText()).isEqualTo(first);
      assertThat(whole.get(1).path("type").asText()).isEqualTo("UPDATE");
      assertThat(whole.get(1).path("data").get(0).path("b").asText()).isEqualTo(second);
      assertThat(whole.get(1).path("old").get(0).path("b").asText()).isEqualTo(first);
      assertThat(whole.get(2).path("data").get(0).path("b").asText()).isEqualTo("small");

      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
          assertThat(dml("large-key")).hasSize(3));
      List<JsonNode> keys = dml("large-key");
      assertThat(keys.get(0).path("_tidb").path("onlyHandleKey").asBoolean()).isTrue();
      assertThat(keys.get(0).path("data").get(0).has("b")).isFalse();
      assertThat(keys.get(0).path("data").get(0).path("id").asText()).isEqualTo("1");
      assertThat(keys.get(2).path("data").get(0).path("b").asText()).isEqualTo("small");

      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        JsonNode cf = api.get("/api/v2/changefeeds/large-none");
        assertThat(cf.path("error").path("code").asText()).isEqualTo("CDC:ErrMessageTooLarge");
      });
      assertThat(dml("large-none")).isEmpty();
      assertThat(api.get("/api/v2/changefeeds/large-whole").path("error").isMissingNode()
          || api.get("/api/v2/changefeeds/large-whole").path("error").isNull()).isTrue();
    }
  }

  /** The topic's canal-json row events, as a read_committed consumer sees them. */
  private static List<JsonNode> dml(String topic) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : stack.read(topic)) {
      JsonNode m = JSON.readTree(r.value());
      if (!m.path("isDdl").asBoolean() && !m.path("type").asText().equals("TIDB_WATERMARK")) {
        out.add(m);
      }
    }
    return out;
  }
}
