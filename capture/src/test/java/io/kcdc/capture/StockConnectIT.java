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
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector deployed as users deploy it (docs/connect-plugin.md): a stock Apache Kafka Connect
 * distributed worker in its own JVM, started by Kafka's {@code ConnectDistributed} from a properties
 * file with Kafka's jars alone on its classpath ({@code stock-connect/target/classpath.txt}) and the
 * unzipped plugin archive as its {@code plugin.path}; a capture drives it with {@code --connect-url}.
 * Rows replicate with the tasks RUNNING in that worker under {@code plugin.discovery=service_load};
 * the worker is then replaced by one with {@code hybrid_warn}, which runs the tasks on from their
 * offsets and finds every plugin's ServiceLoader manifest
 * (<a href="https://github.com/apache/kafka/blob/trunk/connect/runtime/src/main/java/org/apache/kafka/connect/runtime/isolation/Plugins.java">Plugins.java</a>).
 */
class StockConnectIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");
  private static final String CONNECTOR_CLASS = "io.kcdc.connector.TiCdcSourceConnector";

  private static Path dir;
  private static Etcd etcd;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;
  private static ChildJvm worker;
  private static CaptureServer capture;
  private static TestApi api;
  private static int workerPort;

  @BeforeAll
  static void start() throws Exception {
    dir = TempDirs.create("stock-connect");
    etcd = Etcd.builder().dataDir(dir.resolve("etcd")).build().start();
    kafka = Kafka.builder().dataDir(dir.resolve("kafka")).build().start();
    upstream = EmbeddedUpstream.builder().pdPort(0).mysqlPort(0).resolvedTsInterval(Duration.ofMillis(200)).build()
        .start();
    unzip(Path.of("..", "connector", "target", "kcdc-connector-" + VERSION + ".zip"), dir.resolve("plugins"));
    workerPort = FreePorts.pick();
    worker = startWorker("service_load");
    int apiPort = FreePorts.pick();
    capture = CaptureServer.start(new CaptureServer.Settings("default", "127.0.0.1:" + apiPort, null,
        List.of(upstream.pdAddress()), List.of(etcd.clientUrl()), kafka.bootstrapServers(), dir.resolve("capture"),
        "127.0.0.1", FreePorts.pick(), (short) 1, 2, 2), List.of(URI.create("http://127.0.0.1:" + workerPort + "/")));
    api = new TestApi("http://127.0.0.1:" + apiPort);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {capture, worker, upstream, kafka, etcd}) {
      if (c != null) {
        c.close();
      }
    }
    TempDirs.delete(dir);
  }

  @Test
  void rowsReplicateThroughAStockWorker() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE stock");
      s.execute("CREATE TABLE stock.t (id INT PRIMARY KEY)");
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"stock","start_ts":%d,
           "sink_uri":"kafka://%s/stock-sink?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["stock.*"]}}}"""
          .formatted(api.tso(), kafka.bootstrapServers()));
      for (int i = 1; i <= 3; i++) {
        s.execute("INSERT INTO stock.t VALUES (" + i + ")");
      }
      awaitCheckpoint(api.tso());
      assertThat(inserted()).containsExactly(1, 2, 3);
      assertTasksRunning();

      // The same cluster on a worker that discovers plugins both ways and warns about those without
      // a ServiceLoader manifest: ours has one, so no warning, and the tasks go on from their offsets.
      worker.close();
      worker = startWorker("hybrid_warn");
      for (int i = 4; i <= 6; i++) {
        s.execute("INSERT INTO stock.t VALUES (" + i + ")");
      }
      awaitCheckpoint(api.tso());
      assertThat(inserted()).containsExactly(1, 2, 3, 4, 5, 6);
      assertTasksRunning();
      // Plugins.java logs one or the other after a hybrid scan
      String log = Files.readString(worker.log());
      assertThat(log).contains("All plugins have ServiceLoader manifests")
          .doesNotContain("missing ServiceLoader manifests");
    }
  }

  private static void assertTasksRunning() throws Exception {
    JsonNode status = worker().get("/connectors/cdc-stock/status").json();
    assertThat(status.path("connector").path("state").asText()).as(status.toString()).isEqualTo("RUNNING");
    assertThat(status.path("tasks")).as(status.toString()).hasSize(2)
        .allMatch(t -> t.path("state").asText().equals("RUNNING"))
        .allMatch(t -> t.path("worker_id").asText().equals("127.0.0.1:" + workerPort));
  }

  /** Kafka's own {@code ConnectDistributed} with a properties file, as its distribution runs it. */
  private static ChildJvm startWorker(String discovery) throws Exception {
    Path props = dir.resolve("connect-distributed-" + discovery + ".properties");
    Files.writeString(props, String.join("\n",
        "bootstrap.servers=" + kafka.bootstrapServers(),
        "group.id=stock-connect",
        "config.storage.topic=stock-connect-configs",
        "offset.storage.topic=stock-connect-offsets",
        "status.storage.topic=stock-connect-status",
        "config.storage.replication.factor=1",
        "offset.storage.replication.factor=1",
        "status.storage.replication.factor=1",
        // the worker's defaults; the connector config brings its own ByteArrayConverters
        "key.converter=org.apache.kafka.connect.json.JsonConverter",
        "value.converter=org.apache.kafka.connect.json.JsonConverter",
        "listeners=http://127.0.0.1:" + workerPort,
        "rest.advertised.host.name=127.0.0.1",
        "plugin.path=" + dir.resolve("plugins").toAbsolutePath(),
        "plugin.discovery=" + discovery,
        "exactly.once.source.support=enabled",
        "offset.flush.interval.ms=1000",
        ""));
    String classpath = Files.readString(Path.of("..", "stock-connect", "target", "classpath.txt")).strip();
    assertThat(classpath).doesNotContain("kcdc-connector").doesNotContain("kcdc-common");
    ChildJvm jvm = ChildJvm.builder("org.apache.kafka.connect.cli.ConnectDistributed")
        .classpath(classpath).maxHeap("768m").log(dir.resolve("connect-" + discovery + ".log"))
        .args(props.toAbsolutePath().toString()).start();
    try {
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
        assertThat(jvm.isAlive()).as(jvm.logTail(3000)).isTrue();
        Http.Response plugins = worker().get("/connector-plugins");
        assertThat(plugins.status()).isEqualTo(200);
        assertThat(plugins.json()).anyMatch(p -> p.path("class").asText().equals(CONNECTOR_CLASS)
            && p.path("type").asText().equals("source") && p.path("version").asText().equals(VERSION));
      });
    } catch (AssertionError | RuntimeException e) {
      jvm.close();
      throw e;
    }
    return jvm;
  }

  private static Http worker() {
    return Http.to("http://127.0.0.1:" + workerPort);
  }

  private static void unzip(Path zip, Path into) throws IOException {
    assertThat(zip).as("mvn package builds the plugin archive").exists();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        Path out = into.resolve(e.getName()).normalize();
        if (!out.startsWith(into)) {
          throw new IOException("entry outside the archive's directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out);
        }
      }
    }
  }

  private static void awaitCheckpoint(long ts) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(api.checkpoint("stock")).isGreaterThanOrEqualTo(ts));
  }

  private static List<Integer> inserted() throws Exception {
    List<Integer> out = new ArrayList<>();
    for (var r : PartitionReader.readAll(kafka.bootstrapServers(), "stock-sink", 0)) {
      JsonNode e = JSON.readTree(r.value());
      if (e.path("type").asText().equals("INSERT")) {
        out.add(e.path("data").get(0).path("id").asInt());
      }
    }
    return out;
  }
}
