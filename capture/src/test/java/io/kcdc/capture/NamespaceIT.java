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
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two changefeeds with the same id in two namespaces are two changefeeds: their internal topics,
 * connectors, Streams apps and owner producers are apart, each writes only its own tables to its own
 * sink, and removing one leaves the other replicating.
 */
class NamespaceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start("ns", 1, 2, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void sameIdInTwoNamespacesIsTwoChangefeeds() throws Exception {
    TestApi api = stack.api();
    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE one");
      s.execute("CREATE DATABASE two");
      s.execute("CREATE TABLE one.t (id INT PRIMARY KEY, v VARCHAR(8))");
      s.execute("CREATE TABLE two.t (id INT PRIMARY KEY, v VARCHAR(8))");
      long startTs = api.tso();
      for (String[] ns : new String[][] {{"default", "one"}, {"tenant2", "two"}}) {
        api.post("/api/v2/changefeeds", """
            {"namespace":"%s","changefeed_id":"same","start_ts":%d,
             "sink_uri":"kafka://%s/ns-%s?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
             "replica_config":{"filter":{"rules":["%s.*"]}}}"""
            .formatted(ns[0], startTs, stack.kafka.bootstrapServers(), ns[1], ns[1]));
      }
      for (int i = 1; i <= 5; i++) {
        s.execute("INSERT INTO one.t VALUES (" + i + ", 'one')");
        s.execute("INSERT INTO two.t VALUES (" + i + ", 'two')");
      }
      long end = api.tso();
      awaitCheckpoint(api, "default", end);
      awaitCheckpoint(api, "tenant2", end);
      assertThat(rows("ns-one")).containsExactly("one.t 1", "one.t 2", "one.t 3", "one.t 4", "one.t 5");
      assertThat(rows("ns-two")).containsExactly("two.t 1", "two.t 2", "two.t 3", "two.t 4", "two.t 5");
      try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          stack.kafka.bootstrapServers()))) {
        Set<String> topics = admin.listTopics().names().get();
        assertThat(topics).contains("_cdc.same.rows", "_cdc.tenant2.same.rows", "_cdc.same.progress",
            "_cdc.tenant2.same.progress");
      }

      // Removing the default namespace's changefeed leaves the other one running.
      var removed = api.http().delete("/api/v2/changefeeds/same?namespace=default");
      assertThat(removed.status()).as(removed.body()).isEqualTo(200);
      for (int i = 6; i <= 8; i++) {
        s.execute("INSERT INTO two.t VALUES (" + i + ", 'two')");
      }
      awaitCheckpoint(api, "tenant2", api.tso());
      assertThat(rows("ns-two")).hasSize(8).allMatch(r -> r.startsWith("two.t "));
    }
  }

  private static void awaitCheckpoint(TestApi api, String namespace, long ts) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      JsonNode cf = api.get("/api/v2/changefeeds/same?namespace=" + namespace);
      assertThat(cf.path("state").asText()).isEqualTo("normal");
      assertThat(Long.parseUnsignedLong(cf.path("checkpoint_ts").asText())).isGreaterThanOrEqualTo(ts);
    });
  }

  /** "db.table id" of every row change in the sink topic, in order. */
  private static List<String> rows(String topic) throws Exception {
    List<String> out = new ArrayList<>();
    for (var r : PartitionReader.readAll(stack.kafka.bootstrapServers(), topic, 0)) {
      JsonNode m = JSON.readTree(r.value());
      if (m.path("type").asText().equals("INSERT")) {
        out.add(m.path("database").asText() + "." + m.path("table").asText() + " "
            + m.path("data").get(0).path("id").asText());
      }
    }
    return out;
  }
}
