package io.kcdc.capture;

import io.kcdc.capture.runtime.Failover;
import io.kcdc.common.security.Credential;
import io.kcdc.common.security.TlsConfigException;
import io.kcdc.common.GoDuration;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cdc streams}: run the changefeeds' Streams apps until SIGTERM/Ctrl-C (see {@link StreamsServer}). */
@Command(name = "streams", mixinStandardHelpOptions = true,
    description = "Run the sorter/dispatcher/encoder Streams apps of the changefeeds in etcd (no API server); start more to scale out.")
final class StreamsCommand implements Callable<Integer> {
  @Option(names = "--etcd", split = ",", defaultValue = "http://127.0.0.1:2389", description = "etcd endpoints of the captures' metadata (default: ${DEFAULT-VALUE}).")
  List<String> etcd;

  @Option(names = "--kafka", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers of the captures' Kafka cluster (default: ${DEFAULT-VALUE}).")
  String kafka;

  @Option(names = "--cluster-id", defaultValue = "default", description = "TiCDC cluster id (default: ${DEFAULT-VALUE}).")
  String clusterId;

  @Option(names = "--data-dir", defaultValue = ".cdc-streams-data", description = "Local state (Streams RocksDB stores) (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--name", description = "Names this instance's Kafka clients (default: the host name).")
  String name;

  @Option(names = "--replication-factor", defaultValue = "-1", description = "Replication factor of the Streams apps' topics; -1 = broker default (default: ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Option(names = "--kafka-session-timeout", defaultValue = "6s", description = "Session timeout of the Streams groups: a killed instance's partitions move after it (default: ${DEFAULT-VALUE}).")
  String kafkaSessionTimeout;

  @Option(names = "--addr", defaultValue = "", description = "host:port to serve /metrics (TiCDC's sorter and sink metrics, Kafka Streams', the JVM's) and /status on; empty: none (default: none).")
  String addr;

  @Mixin TlsFlags tls;

  StreamsServer.Settings settings() throws Exception {
    String instance = name != null ? name : InetAddress.getLocalHost().getHostName();
    // The same files and checks as cdc server's (docs/security.md); etcd is the only TLS peer of this process.
    Credential security = tls.credential("");
    return new StreamsServer.Settings(clusterId, etcd, kafka, dataDir, replicationFactor, instance,
        new Failover(Duration.ofNanos(GoDuration.parse(kafkaSessionTimeout))), security, addr);
  }

  @Override
  public Integer call() throws Exception {
    StreamsServer.Settings settings;
    try {
      settings = settings();
    } catch (TlsConfigException e) {
      System.err.println("Error: " + e.errorMsg());
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    StreamsServer server = StreamsServer.start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }, "cdc-streams-shutdown"));
    stop.await();
    return 0;
  }
}
