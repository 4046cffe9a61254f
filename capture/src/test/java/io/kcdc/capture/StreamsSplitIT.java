package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.testkit.ChildJvm;
import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.Http;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.testkit.TempDirs;
import io.kcdc.upstream.EmbeddedUpstream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cdc server --no-streams} plus a separate {@code cdc streams} process: the capture's owner
 * creates the connector, topics and barriers, but no row reaches the sink until the Streams apps run
 * in their own JVM, which finds the changefeed in etcd.
 */
class StreamsSplitIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path dir;
  private static Etcd etcd;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;
  private static CaptureServer capture;
  private static ChildJvm streams;
  private static TestApi api;

  @BeforeAll
  static void start() throws Exception {
    dir = TempDirs.create("streams-split");
    etcd = Etcd.builder().dataDir(dir.resolve("etcd")).build().start();
    kafka = Kafka.builder().dataDir(dir.resolve("kafka")).build().start();
    upstream = EmbeddedUpstream.builder().pdPort(0).mysqlPort(0).resolvedTsInterval(Duration.ofMillis(200)).build()
        .start();
    int apiPort = FreePorts.pick();
    capture = CaptureServer.start(new CaptureServer.Settings("default", "127.0.0.1:" + apiPort, null,
        List.of(upstream.pdAddress()), List.of(etcd.clientUrl()), kafka.bootstrapServers(), dir.resolve("capture"),
        "127.0.0.1", FreePorts.pick(), (short) 1, 2, 1), List.of(), false);
    api = new TestApi("http://127.0.0.1:" + apiPort);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {streams, capture, upstream, kafka, etcd}) {
      if (c != null) {
        c.close();
      }
    }
    TempDirs.delete(dir);
  }

  @Test
  void rowsFlowOnceTheStreamsProcessRuns() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement();
        Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers()))) {
      s.execute("CREATE DATABASE split");
      s.execute("CREATE TABLE split.t (id INT PRIMARY KEY)");
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"split","start_ts":%d,
           "sink_uri":"kafka://%s/split-sink?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["split.*"]}}}"""
          .formatted(api.tso(), kafka.bootstrapServers()));
      for (int i = 1; i <= 3; i++) {
        s.execute("INSERT INTO split.t VALUES (" + i + ")");
      }
      long written = api.tso();
      // The connector captures into the internal topic, but the capture runs no Streams app.
      await().atMost(Duration.ofMinutes(2)).ignoreExceptions().untilAsserted(() ->
          assertThat(PartitionReader.readAll(kafka.bootstrapServers(), "_cdc.split.rows")).isNotEmpty());
      Thread.sleep(3000);
      assertThat(admin.listTopics().names().get()).noneMatch(t -> t.startsWith("cdc-default.default.split."));
      assertThat(Long.parseUnsignedLong(api.get("/api/v2/changefeeds/split").path("checkpoint_ts").asText()))
          .isLessThan(written);

      int metricsPort = FreePorts.pick();
      streams = ChildJvm.builder(CdcMain.class.getName()).maxHeap("512m").log(dir.resolve("streams.log"))
          .args("streams", "--etcd", etcd.clientUrl(), "--kafka", kafka.bootstrapServers(),
              "--data-dir", dir.resolve("streams").toString(), "--replication-factor", "1", "--name", "streams-1",
              "--addr", "127.0.0.1:" + metricsPort)
          .start();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(streams.isAlive()).as(streams.logTail(3000)).isTrue();
        assertThat(api.checkpoint("split")).isGreaterThanOrEqualTo(written);
      });
      assertThat(inserted()).containsExactly(1, 2, 3);
      s.execute("INSERT INTO split.t VALUES (4)");
      long more = api.tso();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(api.checkpoint("split")).isGreaterThanOrEqualTo(more));
      assertThat(inserted()).containsExactly(1, 2, 3, 4);

      // The split-off Streams app is scraped like a capture: its rows under TiCDC's names, Streams' and the JVM's.
      String metrics = Http.loopback(metricsPort).get("/metrics").body();
      assertThat(metrics).containsPattern(
          "ticdc_sink_table_sink_total_rows_count\\{changefeed=\"split\",namespace=\"default\"[^}]*} [4-9]")
          .contains("kafka_stream_thread_").contains("jvm_memory_used_bytes");
      assertThat(Http.loopback(metricsPort).get("/status").body()).contains("\"instance\":\"streams-1\"");
    }
  }

  private static List<Integer> inserted() throws Exception {
    List<Integer> out = new ArrayList<>();
    for (var r : PartitionReader.readAll(kafka.bootstrapServers(), "split-sink", 0)) {
      JsonNode e = JSON.readTree(r.value());
      if (e.path("type").asText().equals("INSERT")) {
        out.add(e.path("data").get(0).path("id").asInt());
      }
    }
    return out;
  }
}
