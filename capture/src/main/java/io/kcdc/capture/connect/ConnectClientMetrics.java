package io.kcdc.capture.connect;

import io.kcdc.streams.ChangefeedNames;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaConnectMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsContext;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * Exports the Kafka clients that Connect creates and keeps to itself — each exactly-once task's transactional
 * producer, the consumers and admin clients of its offset store, the worker's clients of its config, offset and
 * status topics — through Micrometer's Kafka binder, as the Streams apps' and the sink's clients are
 * (docs/metrics.md#kafkas-own-metrics). A {@link MetricsReporter} is Kafka's way to see a client's metrics: Kafka
 * makes one instance per client from {@code metric.reporters}; this one binds its client's metrics into the
 * process's registry (Micrometer's global one, which the capture's {@code /metrics} joins) and unbinds them when
 * the client closes.
 *
 * <p>A task's clients are tagged with the changefeed of their connector, everyone else's with empty tags: one metric
 * name has one set of tag keys across the process, as Prometheus requires. The worker's own metrics (namespace
 * {@code kafka.connect}) are left to the worker's binder ({@link ConnectWorker}).
 */
public final class ConnectClientMetrics implements MetricsReporter {
  /** What the worker sets as {@code metric.reporters} of itself and of the clients it creates; keeps JMX. */
  static final String REPORTERS = JmxReporter.class.getName() + "," + ConnectClientMetrics.class.getName();

  /** Connect's client ids of a task: {@code connector-producer-<connector>-<task>}, and so on. */
  private static final Pattern TASK_CLIENT = Pattern.compile("connector-(?:producer|consumer|adminclient|dlq-adminclient)-(.+)-\\d+");

  private final Map<MetricName, KafkaMetric> metrics = new ConcurrentHashMap<>();
  private volatile String clientId = "";
  private volatile boolean connectOwn;
  private KafkaConnectMetrics binder;
  private ScheduledFuture<?> pendingBind;
  private boolean closed;

  private static final ScheduledExecutorService BINDING = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "connect-client-metrics");
    t.setDaemon(true);
    return t;
  });

  @Override
  public void configure(Map<String, ?> configs) {
    Object id = configs.get("client.id");
    clientId = id == null ? "" : id.toString();
  }

  @Override
  public void contextChange(MetricsContext context) {
    connectOwn = "kafka.connect".equals(context.contextLabels().get(MetricsContext.NAMESPACE));
  }

  @Override
  public void init(List<KafkaMetric> initial) {
    initial.forEach(this::metricChange);
    if (!connectOwn) {
      // A client registers most of its metrics after its reporters' init; the binder looks again only every
      // minute, so it binds a moment later, once the client is built.
      pendingBind = BINDING.schedule(this::bind, 1, TimeUnit.SECONDS);
    }
  }

  private synchronized void bind() {
    if (!closed) {
      binder = new KafkaConnectMetrics(() -> metrics, tags(clientId));
      binder.bindTo(Metrics.globalRegistry);
    }
  }

  @Override
  public void metricChange(KafkaMetric metric) {
    metrics.put(metric.metricName(), metric);
  }

  @Override
  public void metricRemoval(KafkaMetric metric) {
    metrics.remove(metric.metricName());
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pendingBind != null) {
      pendingBind.cancel(false);
    }
    if (binder != null) {
      binder.close();
      binder = null;
    }
    metrics.clear();
  }

  /** The changefeed tags of a client: its task's changefeed, or empty. */
  static Tags tags(String clientId) {
    Optional<ChangefeedNames> cf = Optional.empty();
    Matcher m = TASK_CLIENT.matcher(clientId);
    if (m.matches()) {
      cf = ChangefeedNames.ofConnectorName(m.group(1));
    }
    return Tags.of("namespace", cf.map(ChangefeedNames::namespace).orElse(""),
        "changefeed", cf.map(ChangefeedNames::changefeedId).orElse(""));
  }
}
