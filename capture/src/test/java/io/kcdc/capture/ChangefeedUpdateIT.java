package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.testkit.Kafka;
import io.kcdc.upstream.EmbeddedUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
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
import picocli.CommandLine;

/**
 * {@code cdc cli changefeed update} on a paused changefeed, then resume: the rows after the resume
 * go to the new sink topic, the rows before it stay in the old one. Also {@code verify_table}
 * against the embedded upstream's schema.
 */
class ChangefeedUpdateIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestStack stack;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;
  private static TestApi api;
  private static String server;

  @BeforeAll
  static void startEverything() throws Exception {
    stack = TestStack.start("update", 1, 2, 1);
    kafka = stack.kafka;
    upstream = stack.upstream;
    api = stack.api();
    server = api.base();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private static int cli(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "cli";
    full[1] = "--server";
    full[2] = server;
    System.arraycopy(args, 0, full, 3, args.length);
    return new CommandLine(new CdcMain()).execute(full);
  }

  private String sink(String topic) {
    return "kafka://%s/%s?protocol=canal-json&partition-num=1".formatted(kafka.bootstrapServers(), topic);
  }

  @Test
  void verifyTableSplitsTheUpstreamTablesByEligibility() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE vt");
      s.execute("CREATE TABLE vt.pk (id INT PRIMARY KEY)");
      s.execute("CREATE TABLE vt.uk (id INT NOT NULL, UNIQUE KEY (id))");
      s.execute("CREATE TABLE vt.nokey (v INT)");
      s.execute("CREATE TABLE vt.nullable_uk (id INT, UNIQUE KEY (id))");
    }
    JsonNode tables = api.post("/api/v2/verify_table", "{\"replica_config\":{\"filter\":{\"rules\":[\"vt.*\"]}}}");
    assertThat(names(tables.path("eligible_tables"))).containsExactly("vt.pk", "vt.uk");
    assertThat(names(tables.path("ineligible_tables"))).containsExactly("vt.nokey", "vt.nullable_uk");
    JsonNode first = tables.path("eligible_tables").get(0);
    assertThat(first.path("table_id").asLong()).isPositive();
    assertThat(first.path("is_partition").asBoolean()).isFalse();
    assertThat(api.post("/api/v2/verify_table", "{\"replica_config\":{\"filter\":{\"rules\":[\"nothing.*\"]}}}"))
        .isEqualTo(JSON.readTree("{}"));
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(t -> out.add(t.path("database_name").asText() + "." + t.path("table_name").asText()));
    return out;
  }

  @Test
  void updateThenResumeWritesToTheNewSinkTopic() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE upd");
      s.execute("CREATE TABLE upd.t (id INT PRIMARY KEY, v VARCHAR(10))");
      long startTs = api.tso();
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"upd","start_ts":%d,"sink_uri":"%s",
           "replica_config":{"filter":{"rules":["upd.*"]}}}""".formatted(startTs, sink("upd-a")));
      s.execute("INSERT INTO upd.t VALUES (1, 'a'), (2, 'b')");
      awaitCheckpoint(api.tso());

      assertThat(cli("changefeed", "pause", "-c", "upd")).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          api.get("/api/v2/changefeeds/upd").path("state").asText().equals("stopped"));
      assertThat(cli("changefeed", "update", "-c", "upd", "--sink-uri", sink("upd-b"))).isZero();
      JsonNode updated = api.get("/api/v2/changefeeds/upd/meta_info");
      assertThat(updated.path("sink_uri").asText()).isEqualTo(sink("upd-b"));
      assertThat(updated.path("config").path("filter").path("rules").get(0).asText()).isEqualTo("upd.*");
      // TiCDC's TOML, as its cdc cli changefeed update --config reads it
      Path toml = Files.writeString(stack.dir.resolve("update.toml"),
          "case-sensitive = true\n[filter]\nrules = ['upd.*']\n");
      assertThat(cli("changefeed", "update", "-c", "upd", "--config", toml.toString())).isZero();
      assertThat(api.get("/api/v2/changefeeds/upd/meta_info").path("config").path("case_sensitive").asBoolean())
          .isTrue();
      // --config replaces the replica config with the file's fields on the defaults
      Path config = Files.writeString(stack.dir.resolve("update.json"),
          "{\"force_replicate\":true,\"filter\":{\"rules\":[\"upd.*\"]}}");
      long targetTs = Long.MAX_VALUE >> 1;
      assertThat(cli("changefeed", "update", "-c", "upd", "--config", config.toString(),
          "--target-ts", Long.toString(targetTs))).isZero();
      updated = api.get("/api/v2/changefeeds/upd/meta_info");
      assertThat(updated.path("config").path("force_replicate").asBoolean()).isTrue();
      assertThat(updated.path("config").path("check_gc_safe_point").asBoolean()).isTrue();
      assertThat(updated.path("config").path("filter").path("rules").get(0).asText()).isEqualTo("upd.*");
      assertThat(updated.path("target_ts").asLong()).isEqualTo(targetTs);
      assertThat(updated.path("sink_uri").asText()).isEqualTo(sink("upd-b"));
      assertThat(cli("changefeed", "update", "-c", "nope", "--sink-uri", sink("upd-b"))).isEqualTo(1);

      assertThat(cli("changefeed", "resume", "-c", "upd")).isZero();
      s.execute("INSERT INTO upd.t VALUES (3, 'c')");
      s.execute("UPDATE upd.t SET v = 'z' WHERE id = 1");
      awaitCheckpoint(api.tso());
    }
    List<String> before = rowEvents("upd-a");
    List<String> after = rowEvents("upd-b");
    assertThat(before).containsExactly("INSERT 1", "INSERT 2");
    assertThat(after).containsExactly("INSERT 3", "UPDATE 1");
  }

  private static void awaitCheckpoint(long ts) {
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(() -> Long.compareUnsigned(api.checkpoint("upd"), ts) >= 0);
  }

  /** "TYPE id" of every canal-json row event in a topic, in order. */
  private static List<String> rowEvents(String topic) throws Exception {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : stack.read(topic, 0)) {
      JsonNode event = JSON.readTree(r.value());
      String type = event.path("type").asText();
      if (!event.path("isDdl").asBoolean() && !type.equals("TIDB_WATERMARK") && event.has("data")) {
        out.add(type + " " + event.path("data").get(0).path("id").asText());
      }
    }
    return out;
  }
}
