package io.kcdc.capture;

import io.kcdc.capture.runtime.Failover;
import io.kcdc.capture.runtime.SinkSupport;
import io.kcdc.capture.runtime.StreamsProcessors;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.security.Credential;
import io.kcdc.gateway.api.MetricsServer;
import io.kcdc.gateway.metrics.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.kcdc.gateway.etcd.EtcdClients;
import io.kcdc.gateway.etcd.EtcdKeys;
import io.kcdc.gateway.etcd.MetaStore;
import io.kcdc.gateway.owner.ProcessorManager;
import io.etcd.jetcd.Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cdc streams}: the sorter/dispatcher/encoder Streams apps of the changefeeds recorded in
 * etcd, without an API server, owner or Connect worker. It runs the same apps as a capture does
 * (same application ids), so Kafka Streams spreads each changefeed's partitions over every instance,
 * captures started without {@code --no-streams} included; the captures' owner keeps writing the
 * barriers and DDLs the apps wait for (docs/connect-plugin.md#separate-streams-apps).
 */
public final class StreamsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsServer.class);

  /**
   * @param instanceName names this instance's Kafka clients (as a capture's address does)
   * @param metricsAddr {@code host:port} of {@code /metrics} and {@code /status}; empty for none
   */
  public record Settings(String clusterId, List<String> etcdEndpoints, String kafkaBootstrap, Path dataDir,
      short replicationFactor, String instanceName, Failover failover, Credential security, String metricsAddr) {}

  private final Client etcd;
  private final StreamsProcessors processors;
  private final ProcessorManager manager;
  private final DataDirLock lock;
  private final PrometheusMeterRegistry registry;
  private final ProcessMetrics processMetrics;
  private final MetricsServer metricsServer;

  private StreamsServer(Client etcd, StreamsProcessors processors, ProcessorManager manager, DataDirLock lock,
      PrometheusMeterRegistry registry, ProcessMetrics processMetrics, MetricsServer metricsServer) {
    this.etcd = etcd;
    this.processors = processors;
    this.manager = manager;
    this.lock = lock;
    this.registry = registry;
    this.processMetrics = processMetrics;
    this.metricsServer = metricsServer;
  }

  public static StreamsServer start(Settings s) throws java.io.IOException {
    DataDirLock lock = DataDirLock.acquire(s.dataDir());
    // The Streams apps report TiCDC's sorter and sink metrics and Kafka Streams' own to the global registry, as in a
    // capture; this process shows them on its own /metrics (docs/metrics.md).
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProcessMetrics processMetrics = ProcessMetrics.join(registry);
    MetricsServer metricsServer = null;
    if (!s.metricsAddr().isEmpty()) {
      int colon = s.metricsAddr().lastIndexOf(':');
      String status = new ObjectMapper().writeValueAsString(Map.of("instance", s.instanceName(),
          "cluster_id", s.clusterId(), "pid", ProcessHandle.current().pid()));
      metricsServer = MetricsServer.start(s.metricsAddr().substring(0, colon),
          Integer.parseInt(s.metricsAddr().substring(colon + 1)), registry, () -> status, Credential.NONE);
    }
    Client etcd = EtcdClients.connect(s.etcdEndpoints(), s.security());
    MetaStore meta = new MetaStore(etcd, new EtcdKeys(s.clusterId()));
    SinkSupport sinks = new SinkSupport(s.kafkaBootstrap(), s.clusterId(), s.replicationFactor(), s.instanceName(),
        s.failover());
    StreamsProcessors processors = new StreamsProcessors(sinks, s.dataDir().resolve("streams"), s::instanceName);
    // No capture id: app errors are logged here; the owner sees a stuck changefeed by its checkpoint.
    ProcessorManager manager = new ProcessorManager(meta, processors, Duration.ofMillis(500), Duration.ofSeconds(5),
        () -> "");
    manager.start();
    LOG.info("cdc streams {} runs the Streams apps of cluster {}", s.instanceName(), s.clusterId());
    return new StreamsServer(etcd, processors, manager, lock, registry, processMetrics, metricsServer);
  }

  @Override
  public void close() {
    manager.close();
    processors.close();
    etcd.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
    processMetrics.close();
    registry.close();
    try {
      lock.close();
    } catch (Exception e) {
      LOG.warn("releasing the data dir failed", e);
    }
  }
}
