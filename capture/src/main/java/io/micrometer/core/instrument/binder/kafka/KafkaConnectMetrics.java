package io.micrometer.core.instrument.binder.kafka;

import io.micrometer.core.instrument.Tag;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Micrometer's Kafka binder over a Kafka Connect worker's metric map ({@code connect-worker-metrics},
 * {@code connector-metrics}, {@code source-task-metrics}, ...): the mapping that {@link KafkaClientMetrics} and
 * {@link KafkaStreamsMetrics} apply to a client or a Streams app. Micrometer has no public binder for a worker and
 * keeps the general constructor package-private, hence this subclass in its package.
 */
public final class KafkaConnectMetrics extends KafkaMetrics {
  public KafkaConnectMetrics(Supplier<Map<MetricName, ? extends Metric>> workerMetrics, Iterable<Tag> tags) {
    super(workerMetrics, tags);
  }
}
