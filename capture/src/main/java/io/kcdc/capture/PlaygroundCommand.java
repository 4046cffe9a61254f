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
 * Kafka broker in this process, and captures as child {@code cdc server} processes (restarted when they die), on
 * loopback, in the foreground until Ctrl-C or SIGTERM.
 */
@Command(name = "playground", mixinStandardHelpOptions = true,
    description = "Run an embedded upstream, etcd, Kafka and captures on this machine.")
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

  @Option(names = "--captures", defaultValue = "1", description = "Captures to run, each as its own `cdc server` process, restarted when it dies; 0 runs none, for captures started by hand (default: ${DEFAULT-VALUE}).")
  int captures;

  @Option(names = "--capture-heap", defaultValue = "2g", description = "-Xmx of each capture process (default: ${DEFAULT-VALUE}).")
  String captureHeap;

  @Option(names = "--kafka-session-timeout", defaultValue = "3s", description = "Session timeout of the captures' Kafka groups; the playground's broker accepts down to 2s (default: ${DEFAULT-VALUE}).")
  String kafkaSessionTimeout;

  @Option(names = "--capture-session-ttl", defaultValue = "3", description = "TTL in seconds of each capture's etcd session; a killed owner is replaced after it (default: ${DEFAULT-VALUE}).")
  long captureSessionTtl;

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
    for (int i = 0; i < captures; i++) {
      FreePorts.requireFree(apiPort + i, "API of capture " + i);
      FreePorts.requireFree(connectPort + i, "Kafka Connect of capture " + i);
    }
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
      List<CaptureSupervisor> supervisors = new ArrayList<>();
      started.add(() -> closeAll(supervisors));
      for (int i = 0; i < captures; i++) {
        supervisors.add(CaptureSupervisor.start(captureSpec(i, dir, upstream.pdAddress(), etcd.clientUrl(),
            kafka.bootstrapServers()), out));
      }
      for (CaptureSupervisor s : supervisors) {
        s.awaitReady(Duration.ofMinutes(3));
      }
      out.print(Banner.text(upstream.pdAddress(), upstream.mysqlAddress(), upstream.adminAddress(), etcd.clientUrl(),
          kafka.bootstrapServers(), "127.0.0.1:" + apiPort, "http://127.0.0.1:" + connectPort + "/"));
      out.flush();
    } catch (Exception e) {
      out.println("[playground] failed to start: " + e);
      throw e;
    }
    stop.await();
    return 0;
  }

  /** Capture {@code i}: API on {@code --api-port + i}, Connect REST on {@code --connect-port + i}, its own data dir. */
  private CaptureSupervisor.Spec captureSpec(int i, Path dir, String pd, String etcd, String kafka) {
    String api = "127.0.0.1:" + (apiPort + i);
    List<String> args = List.of(
        "--addr", api,
        "--connect-addr", "127.0.0.1:" + (connectPort + i),
        "--pd", pd,
        "--etcd", etcd,
        "--kafka", kafka,
        "--data-dir", dir.resolve("capture-" + i).toString(),
        "--replication-factor", "1",
        "--internal-partitions", "4",
        "--tasks-max", "2",
        "--kafka-session-timeout", kafkaSessionTimeout,
        "--capture-session-ttl", Long.toString(captureSessionTtl));
    return new CaptureSupervisor.Spec(i, api, captureHeap, args, dir.resolve("capture-" + i + ".log"));
  }

  /** Stops every capture at once (each may take a while to leave its groups). */
  private static void closeAll(List<CaptureSupervisor> supervisors) throws InterruptedException {
    List<Thread> stopping = new ArrayList<>();
    for (CaptureSupervisor s : supervisors) {
      Thread t = new Thread(s::close, "stop-capture-" + s.spec().index());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      t.join();
    }
  }
}
