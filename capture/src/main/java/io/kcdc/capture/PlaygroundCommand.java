package io.kcdc.capture;

import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.TempDirs;
import io.kcdc.upstream.EmbeddedUpstream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  @Option(names = "--kafka-session-timeout", defaultValue = "2s", description = "Session timeout of the captures' Kafka groups, the smallest the playground's broker accepts (default: ${DEFAULT-VALUE}).")
  String kafkaSessionTimeout;

  @Option(names = "--capture-session-ttl", defaultValue = "2", description = "TTL in seconds of each capture's etcd session; a killed owner is replaced after it (default: ${DEFAULT-VALUE}).")
  long captureSessionTtl;

  @Option(names = "--resolved-ts-interval-ms", defaultValue = "200", description = "How often TiKV regions report resolved ts (default: ${DEFAULT-VALUE}).")
  long resolvedTsIntervalMs;

  @Option(names = "--prometheus", description = "Also run a Prometheus server (the installed /usr/bin/prometheus) on a free loopback port, scraping every capture's /metrics with TiCDC's alert rules loaded.")
  boolean prometheus;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (prometheus) {
      try {
        PlaygroundPrometheus.requireInstalled(PlaygroundPrometheus.DEFAULT_BINARY);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
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
    CountDownLatch stop = new CountDownLatch(1);
    PlaygroundStack[] stack = new PlaygroundStack[1];
    PlaygroundPrometheus[] server = new PlaygroundPrometheus[1];
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("[playground] stopping");
      if (server[0] != null) {
        server[0].close();
      }
      if (stack[0] != null) {
        stack[0].close();
      }
      stop.countDown();
    }, "playground-shutdown"));
    try {
      out.println("[playground] data directory " + dir + ", logs in " + logFile);
      stack[0] = PlaygroundStack.start(new PlaygroundStack.Settings(dir, pdPort, mysqlPort, adminPort, etcdPort,
          etcdPeerPort, kafkaPort, kafkaControllerPort, apiPort, connectPort, captures, captureHeap,
          Duration.ofMillis(resolvedTsIntervalMs), List.of("--internal-partitions", "4", "--tasks-max", "2",
              "--kafka-session-timeout", kafkaSessionTimeout, "--capture-session-ttl", Long.toString(captureSessionTtl)),
          List.of()),
          out);
      EmbeddedUpstream upstream = stack[0].upstream();
      out.print(Banner.text(upstream.pdAddress(), upstream.mysqlAddress(), upstream.adminAddress(),
          stack[0].etcd().clientUrl(), stack[0].kafka().bootstrapServers(), "127.0.0.1:" + apiPort,
          "http://127.0.0.1:" + connectPort + "/"));
      if (prometheus) {
        List<String> targets = java.util.stream.IntStream.range(0, captures).mapToObj(stack[0]::apiAddress).toList();
        server[0] = PlaygroundPrometheus.start(PlaygroundPrometheus.DEFAULT_BINARY, dir.resolve("prometheus"),
            FreePorts.pick(), targets);
        out.println("[playground] Prometheus (scraping " + targets + ", TiCDC's alert rules loaded): " + server[0].url());
      }
      out.flush();
    } catch (Exception e) {
      out.println("[playground] failed to start: " + e);
      throw e;
    }
    stop.await();
    return 0;
  }
}
