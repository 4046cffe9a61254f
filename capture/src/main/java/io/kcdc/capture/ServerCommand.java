package io.kcdc.capture;

import io.kcdc.capture.connect.ConnectUrls;
import io.kcdc.capture.runtime.Failover;
import io.kcdc.common.GoDuration;
import io.kcdc.common.security.TlsConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cdc server}: run one capture until SIGTERM/Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run a capture (one cdc server process).")
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--addr", defaultValue = "127.0.0.1:8300", description = "Where the OpenAPI v2 listens (default: ${DEFAULT-VALUE}).")
  String addr;

  @Option(names = "--advertise-addr", description = "Address other captures use to reach this one (default: --addr).")
  String advertiseAddr;

  @Option(names = "--pd", split = ",", defaultValue = "http://127.0.0.1:2379", description = "Upstream PD endpoints (default: ${DEFAULT-VALUE}).")
  List<String> pd;

  @Option(names = "--etcd", split = ",", defaultValue = "http://127.0.0.1:2389", description = "etcd endpoints for the captures' metadata (default: ${DEFAULT-VALUE}).")
  List<String> etcd;

  @Option(names = "--kafka", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers of the captures' Kafka cluster (default: ${DEFAULT-VALUE}).")
  String kafka;

  @Option(names = "--cluster-id", defaultValue = "default", description = "TiCDC cluster id (default: ${DEFAULT-VALUE}).")
  String clusterId;

  @Option(names = "--data-dir", defaultValue = ".cdc-data", description = "Local state (Streams RocksDB stores) (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--connect-addr", defaultValue = "127.0.0.1:8083", description = "Where the embedded Kafka Connect worker's REST API listens (default: ${DEFAULT-VALUE}).")
  String connectAddr;

  @Option(names = "--connect-url", split = ",", description = "REST URLs of an existing Kafka Connect cluster (http://host:8083[,..]) that runs the connectors, with the kcdc plugin installed; none = an embedded worker on --connect-addr.")
  List<String> connectUrls;

  @Option(names = "--no-streams", negatable = false, description = "Run no Streams apps here: `cdc streams` processes run them.")
  boolean noStreams;

  @Option(names = "--replication-factor", defaultValue = "-1", description = "Replication factor of internal topics; -1 = broker default (default: ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Option(names = "--internal-partitions", defaultValue = "4", description = "Partitions of each changefeed's internal rows topic (default: ${DEFAULT-VALUE}).")
  int rowPartitions;

  @Option(names = "--tasks-max", defaultValue = "4", description = "Connector tasks per changefeed (default: ${DEFAULT-VALUE}).")
  int tasksMax;

  @Option(names = "--capture-session-ttl", defaultValue = "5", description = "TTL in seconds of the capture's etcd session; a killed owner is replaced after it (default: ${DEFAULT-VALUE}; TiCDC's is 10).")
  long sessionTtlSeconds;

  @Option(names = "--kafka-session-timeout", defaultValue = "6s", description = "Session timeout of the capture's Kafka groups (Connect, Streams): a killed capture's work moves after it; brokers accept no less than their group.min.session.timeout.ms, 6s by default (default: ${DEFAULT-VALUE}).")
  String kafkaSessionTimeout;

  @Option(names = "--kafka-transaction-timeout", defaultValue = "", description = "transaction.timeout.ms of the capture's Streams producers; a dead capture's open transactions are fenced by the owner when its etcd session ends, this is the bound when they cannot be (default: the session timeout, 4s at least).")
  String kafkaTransactionTimeout;

  @Mixin TlsFlags tls;

  @Option(names = "--cert-allowed-cn", defaultValue = "", description = "Verify caller's identity (cert Common Name). Use ',' to separate multiple CN.")
  String certAllowedCn;

  CaptureServer.Settings settings() {
    int colon = connectAddr.lastIndexOf(':');
    return new CaptureServer.Settings(
        clusterId, addr, advertiseAddr, pd, etcd, kafka, dataDir,
        connectAddr.substring(0, colon), Integer.parseInt(connectAddr.substring(colon + 1)),
        replicationFactor, rowPartitions, tasksMax, sessionTtlSeconds,
        new Failover(Duration.ofNanos(GoDuration.parse(kafkaSessionTimeout)),
            kafkaTransactionTimeout.isEmpty() ? null : Duration.ofNanos(GoDuration.parse(kafkaTransactionTimeout))))
        .withSecurity(ServerSecurity.of(tls, certAllowedCn, pd));
  }

  @Override
  public Integer call() throws Exception {
    CaptureServer.Settings settings;
    try {
      settings = settings();
    } catch (ServerSecurity.InvalidOptionException | TlsConfigException e) {
      System.err.println("Error: " + (e instanceof TlsConfigException t ? t.errorMsg() : e.getMessage()));
      return 1;
    }
    List<java.net.URI> connect;
    try {
      connect = ConnectUrls.parse(connectUrls);
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    CaptureServer server = CaptureServer.start(settings, connect, !noStreams);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }, "cdc-server-shutdown"));
    stop.await();
    return 0;
  }
}
