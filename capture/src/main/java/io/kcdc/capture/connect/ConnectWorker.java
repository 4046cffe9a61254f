package io.kcdc.capture.connect;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaConnectMetrics;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;

/**
 * The Kafka Connect distributed worker a capture embeds (like MirrorMaker 2's dedicated mode):
 * every capture of a cluster joins the group {@code cdc-<cluster>}, so Connect spreads the
 * connector tasks (TiCDC's processors) over the captures.
 */
public final class ConnectWorker implements AutoCloseable {
  private final Connect<DistributedHerder> connect;

  private ConnectWorker(Connect<DistributedHerder> connect) {
    this.connect = connect;
  }

  /** Worker settings derived from the capture's settings. */
  public record Settings(
      String bootstrapServers, String clusterId, String restHost, int restPort, short replicationFactor,
      io.kcdc.capture.runtime.Failover failover) {

    Map<String, String> toWorkerProps() {
      Map<String, String> p = new HashMap<>();
      String prefix = "_cdc-" + clusterId + "-connect-";
      p.put("bootstrap.servers", bootstrapServers);
      p.put("group.id", "cdc-" + clusterId);
      p.put("config.storage.topic", prefix + "configs");
      p.put("offset.storage.topic", prefix + "offsets");
      p.put("status.storage.topic", prefix + "status");
      p.put("config.storage.replication.factor", Short.toString(replicationFactor));
      p.put("offset.storage.replication.factor", Short.toString(replicationFactor));
      p.put("status.storage.replication.factor", Short.toString(replicationFactor));
      p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
      p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
      p.put("listeners", "http://" + restHost + ":" + restPort);
      p.put("rest.advertised.host.name", restHost);
      // The connector is on the classpath with a ServiceLoader manifest: no reflective scan.
      p.put("plugin.discovery", "service_load");
      p.put("exactly.once.source.support", "enabled");
      p.put("offset.flush.interval.ms", "1000");
      // the clients Connect creates for itself and for the tasks report to /metrics too (docs/metrics.md)
      for (String client : new String[] {"", "producer.", "consumer.", "admin."}) {
        p.put(client + "metric.reporters", ConnectClientMetrics.REPORTERS);
      }
      p.putAll(failover.connectWorkerProperties());
      return p;
    }
  }

  public static ConnectWorker start(Settings settings) {
    Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(settings.toWorkerProps());
    return new ConnectWorker(connect);
  }

  /**
   * Binds the worker's own metrics (worker, rebalance, connectors, tasks: what Connect shows in JMX) to
   * {@code registry} through Micrometer's Kafka binder (docs/metrics.md); closing the handle removes them.
   */
  public AutoCloseable bindMetrics(MeterRegistry registry) {
    KafkaConnectMetrics binder =
        new KafkaConnectMetrics(() -> connect.herder().connectMetrics().metrics().metrics(), Tags.empty());
    binder.bindTo(registry);
    return binder;
  }

  /** Base URL of the worker's REST API, e.g. {@code http://127.0.0.1:8083/}. */
  public URI restUrl() {
    return connect.rest().serverUrl();
  }

  /**
   * Stops the worker and waits until its herder has stopped its connectors and tasks. Connect's
   * own JVM shutdown hook may already be stopping it concurrently, in which case
   * {@code Connect.stop()} returns at once; stopping the herder again waits for that to finish,
   * so the Kafka broker the worker writes its status to is not closed under it.
   */
  @Override
  public void close() {
    connect.stop();
    connect.herder().stop();
    connect.awaitStop();
  }
}
