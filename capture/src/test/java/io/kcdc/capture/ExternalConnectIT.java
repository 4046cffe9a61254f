package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.capture.connect.ConnectUrls;
import io.kcdc.capture.connect.ConnectWorker;
import io.kcdc.capture.runtime.Failover;
import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.Http;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.testkit.TempDirs;
import io.kcdc.upstream.EmbeddedUpstream;
import java.net.URI;
import java.nio.file.Path;
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
 * {@code cdc server --connect-url}: the capture starts no Connect worker of its own and drives a
 * Connect cluster that runs apart from it (here a distributed worker of another group, with its own
 * topics) through its REST API: the changefeed's connector is created there and its tasks run there,
 * pause stops it, resume with {@code overwrite_checkpoint_ts} deletes its offsets, remove deletes it.
 * The first URL given points at no worker, so every call also shows the client moving to the next.
 */
class ExternalConnectIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTOR = "cdc-ext";

  private static Path dir;
  private static Etcd etcd;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;
  private static ConnectWorker connect;
  private static CaptureServer capture;
  private static TestApi api;
  private static Http connectApi;
  private static int unusedEmbeddedPort;

  @BeforeAll
  static void start() throws Exception {
    dir = TempDirs.create("external-connect");
    etcd = Etcd.builder().dataDir(dir.resolve("etcd")).build().start();
    kafka = Kafka.builder().dataDir(dir.resolve("kafka")).build().start();
    upstream = EmbeddedUpstream.builder().pdPort(0).mysqlPort(0).resolvedTsInterval(Duration.ofMillis(200)).build()
        .start();
    connect = ConnectWorker.start(new ConnectWorker.Settings(kafka.bootstrapServers(), "shared-connect", "127.0.0.1",
        FreePorts.pick(), (short) 1, Failover.DEFAULT));
    connectApi = Http.to(connect.restUrl().toString().replaceAll("/$", ""));
    int apiPort = FreePorts.pick();
    List<URI> urls = ConnectUrls.parse(List.of("http://127.0.0.1:" + FreePorts.pick(), connect.restUrl().toString()));
    unusedEmbeddedPort = FreePorts.pick();
    capture = CaptureServer.start(new CaptureServer.Settings("default", "127.0.0.1:" + apiPort, null,
        List.of(upstream.pdAddress()), List.of(etcd.clientUrl()), kafka.bootstrapServers(), dir.resolve("capture"),
        "127.0.0.1", unusedEmbeddedPort, (short) 1, 2, 2), urls);
    api = new TestApi("http://127.0.0.1:" + apiPort);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {capture, connect, upstream, kafka, etcd}) {
      if (c != null) {
        c.close();
      }
    }
    TempDirs.delete(dir);
  }

  @Test
  void theChangefeedsConnectorRunsInTheExternalCluster() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE ext");
      s.execute("CREATE TABLE ext.t (id INT PRIMARY KEY)");
      long startTs = api.tso();
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"ext","start_ts":%d,
           "sink_uri":"kafka://%s/ext-sink?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["ext.*"]}}}"""
          .formatted(startTs, kafka.bootstrapServers()));
      for (int i = 1; i <= 3; i++) {
        s.execute("INSERT INTO ext.t VALUES (" + i + ")");
      }
      awaitCheckpoint(api.tso());
      assertThat(inserted()).containsExactly(1, 2, 3);

      // The external worker runs the connector's tasks; the capture has no worker of its own.
      JsonNode status = connectApi.get("/connectors/" + CONNECTOR + "/status").json();
      assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
      assertThat(status.path("tasks")).hasSize(2)
          .allMatch(t -> t.path("state").asText().equals("RUNNING"))
          .allMatch(t -> t.path("worker_id").asText().equals(workerId()));
      try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", unusedEmbeddedPort)) {
        throw new AssertionError("something listens on the embedded worker's port");
      } catch (java.net.ConnectException expected) {
        // no embedded worker
      }
      // TiCDC's processors are the connector's tasks: listed where they run.
      JsonNode processors = api.get("/api/v2/processors").path("items");
      assertThat(processors).isNotEmpty().allMatch(p -> p.path("changefeed_id").asText().equals("ext")
          && p.path("capture_id").asText().equals(workerId()));

      // Pause stops the connector there; rows written while paused and before the new checkpoint are skipped,
      // which needs the connector's offsets deleted in the external cluster.
      api.post("/api/v2/changefeeds/ext/pause", "{}");
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(
          connectApi.get("/connectors/" + CONNECTOR + "/status").json().path("connector").path("state").asText())
          .isEqualTo("STOPPED"));
      for (int i = 4; i <= 6; i++) {
        s.execute("INSERT INTO ext.t VALUES (" + i + ")");
      }
      long skipTo = api.tso();
      s.execute("INSERT INTO ext.t VALUES (7)");
      api.post("/api/v2/changefeeds/ext/resume", "{\"overwrite_checkpoint_ts\":" + skipTo + "}");
      s.execute("INSERT INTO ext.t VALUES (8)");
      awaitCheckpoint(api.tso());
      assertThat(inserted()).containsExactly(1, 2, 3, 7, 8);

      // Removing the changefeed deletes its connector from the external cluster.
      assertThat(api.http().delete("/api/v2/changefeeds/ext").status()).isEqualTo(200);
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
          assertThat(connectApi.get("/connectors/" + CONNECTOR + "/status").status()).isEqualTo(404));
    }
  }

  private static String workerId() {
    return connect.restUrl().getHost() + ":" + connect.restUrl().getPort();
  }

  private static void awaitCheckpoint(long ts) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(api.checkpoint("ext")).isGreaterThanOrEqualTo(ts));
  }

  private static List<Integer> inserted() throws Exception {
    List<Integer> out = new ArrayList<>();
    for (var r : PartitionReader.readAll(kafka.bootstrapServers(), "ext-sink", 0)) {
      JsonNode e = JSON.readTree(r.value());
      if (e.path("type").asText().equals("INSERT")) {
        out.add(e.path("data").get(0).path("id").asInt());
      }
    }
    return out;
  }
}
