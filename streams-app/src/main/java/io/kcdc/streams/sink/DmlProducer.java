package io.kcdc.streams.sink;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a sorter task's row records to a Kafka sink on another cluster than the Streams app's (TiCDC's
 * {@code dmlproducer}): a producer per stream task with the sink's client settings ({@link KafkaClientOptions}:
 * idempotent with {@code acks=all} by default), records sent asynchronously in release order to the routed
 * partition, and {@link #awaitAcks()} before the release's {@code TableProgress} is forwarded, so a progress record
 * still means "these rows are in the sink" (with {@code required-acks=1} "on the leader", with 0 "sent").
 *
 * <p>Delivery into another cluster is <b>at-least-once</b>: the rows are acknowledged by the sink cluster before
 * the Streams transaction that deletes them from the sorter and writes the progress commits; when the app dies in
 * between, the rows are released (and written) again after the restart. A sink on the app's own cluster keeps
 * exactly-once: its rows are part of the Streams transaction. A failed send is never skipped: the next
 * {@link #send} or {@link #awaitAcks()} throws {@link KafkaSendException}, which stops the stream thread and
 * surfaces as the changefeed's error.
 */
public final class DmlProducer implements AutoCloseable {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private final Producer<byte[], byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AutoCloseable metrics;

  public DmlProducer(Producer<byte[], byte[]> producer) {
    this(producer, () -> {});
  }

  private DmlProducer(Producer<byte[], byte[]> producer, AutoCloseable metrics) {
    this.producer = producer;
    this.metrics = metrics;
  }

  /**
   * The producer settings of a sink: its brokers, security, {@code required-acks} (idempotent with the default
   * {@code acks=all}), retries, compression, timeouts, and a request size that takes any record the encoders let
   * through ({@link KafkaClientOptions#producerProperties}).
   */
  public static Map<String, Object> properties(KafkaSinkOptions options, String clientId) {
    return options.producerProperties(clientId);
  }

  /**
   * A producer for {@code options}' brokers. Its Kafka client metrics go to Micrometer's global registry through
   * Micrometer's binder, with {@code tags} (the changefeed's, as on the Streams app's own clients) until it closes.
   */
  public static DmlProducer create(KafkaSinkOptions options, String clientId, Iterable<Tag> tags) {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties(options, clientId),
        new ByteArraySerializer(), new ByteArraySerializer());
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer, tags);
    metrics.bindTo(Metrics.globalRegistry);
    return new DmlProducer(producer, metrics);
  }

  /** Sends one record to {@code topic}/{@code partition}; fails if an earlier send of this producer failed. */
  public void send(String topic, int partition, byte[] key, byte[] value) {
    throwIfFailed();
    producer.send(new ProducerRecord<>(topic, partition, key, value), (metadata, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      }
    });
  }

  /** Waits until every record sent so far is acknowledged by the sink cluster. */
  public void awaitAcks() {
    producer.flush();
    throwIfFailed();
  }

  private void throwIfFailed() {
    Exception e = failure.get();
    if (e != null) {
      throw new KafkaSendException("failed to send a row to the downstream Kafka: " + e, e);
    }
  }

  /** Closes the producer; records still unacknowledged then belong to a release whose progress was never written. */
  @Override
  public void close() {
    try {
      metrics.close();
    } catch (Exception e) {
      // only a scheduler shutdown: nothing to recover
    }
    producer.close(CLOSE_TIMEOUT);
  }
}
