package io.kcdc.capture;

import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.TempDirs;
import io.kcdc.upstream.EmbeddedUpstream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc playground}: an embedded upstream (PD + TiKV + a MySQL-protocol TiDB front), etcd, a
 * Kafka broker and one capture on loopback, in the foreground until Ctrl-C or SIGTERM.
 */
@Command(name = "playground", mixinStandardHelpOptions = true,
    description = "Run an embedded upstream, etcd, Kafka and one capture on this machine.")
final class PlaygroundCommand implements Callable<Integer> {
  @Option(names = "--pd-port", defaultValue = "2379", description = "Embedded PD gRPC port (default: ${DEFAULT-VALUE}).")
  int pdPort;

  @Option(names = "--mysql-port", defaultValue = "4000", description = "Embedded TiDB MySQL-protocol port (default: ${DEFAULT-VALUE}).")
  int mysqlPort;

  @Option(names = "--admin-port", defaultValue = "2399", description = "Embedded cluster's fault-injection HTTP port (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--etcd-port", defaultValue = "2389", description = "etcd client port (default: ${DEFAULT-VALUE}).")
  int etcdPort;

  @Option(names = "--etcd-peer-port", defaultValue = "2390", description = "etcd peer port (default: ${DEFAULT-VALUE}).")
  int etcdPeerPort;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--kafka-controller-port", defaultValue = "9093", description = "Kafka KRaft controller port (default: ${DEFAULT-VALUE}).")
  int kafkaControllerPort;

  @Option(names = "--api-port", defaultValue = "8300", description = "Capture OpenAPI v2 port (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--connect-port", defaultValue = "8083", description = "Kafka Connect REST port (default: ${DEFAULT-VALUE}).")
  int connectPort;

  @Option(names = "--data-dir", defaultValue = ".playground", description = "Where everything keeps its data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--keep-data", description = "Keep the data of the last run instead of starting clean.")
  boolean keepData;

  @Option(names = "--resolved-ts-interval-ms", defaultValue = "200", description = "How often TiKV regions report resolved ts (default: ${DEFAULT-VALUE}).")
  long resolvedTsIntervalMs;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path dir = dataDir.toAbsolutePath();
    // The terminal shows the endpoints; every log line goes to a file beside the data directory.
    Path logFile = dir.resolveSibling(dir.getFileName() + ".log");
    if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      System.setProperty("org.slf4j.simpleLogger.logFile", logFile.toString());
    }
    if (!keepData) {
      TempDirs.delete(dir);
    }
    FreePorts.requireFree(pdPort, "PD");
    FreePorts.requireFree(mysqlPort, "MySQL");
    FreePorts.requireFree(adminPort, "fault-injection admin");
    FreePorts.requireFree(etcdPort, "etcd");
    FreePorts.requireFree(etcdPeerPort, "etcd peer");
    FreePorts.requireFree(kafkaPort, "Kafka");
    FreePorts.requireFree(kafkaControllerPort, "Kafka controller");
    FreePorts.requireFree(apiPort, "API");
    FreePorts.requireFree(connectPort, "Kafka Connect");
    List<AutoCloseable> started = new ArrayList<>();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("[playground] stopping");
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception e) {
          out.println("[playground] stopping " + started.get(i).getClass().getSimpleName() + " failed: " + e);
        }
      }
      stop.countDown();
    }, "playground-shutdown"));
    try {
      out.println("[playground] data directory " + dir + ", logs in " + logFile);
      Etcd etcd = Etcd.builder().dataDir(dir.resolve("etcd")).clientPort(etcdPort).peerPort(etcdPeerPort).build().start();
      started.add(etcd);
      Kafka kafka = Kafka.builder().dataDir(dir.resolve("kafka")).port(kafkaPort).controllerPort(kafkaControllerPort)
          .build().start();
      started.add(kafka);
      EmbeddedUpstream upstream =
          EmbeddedUpstream.builder()
              .pdPort(pdPort)
              .mysqlPort(mysqlPort)
              .adminPort(adminPort)
              .resolvedTsInterval(Duration.ofMillis(resolvedTsIntervalMs))
              .build()
              .start();
      started.add(upstream);
      CaptureServer capture =
          CaptureServer.start(
              new CaptureServer.Settings(
                  "default", "127.0.0.1:" + apiPort, null, List.of(upstream.pdAddress()),
                  List.of(etcd.clientUrl()), kafka.bootstrapServers(), dir.resolve("capture"),
                  "127.0.0.1", connectPort, (short) 1, 4, 2));
      started.add(capture);
      out.print(Banner.text(upstream.pdAddress(), upstream.mysqlAddress(), upstream.adminAddress(), etcd.clientUrl(),
          kafka.bootstrapServers(), "127.0.0.1:" + apiPort, capture.connectUrl()));
      out.flush();
    } catch (Exception e) {
      out.println("[playground] failed to start: " + e);
      throw e;
    }
    stop.await();
    return 0;
  }
}
