package io.kcdc.capture.runtime;

import io.kcdc.avro.PartitionProgress;
import io.kcdc.avro.TableProgress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.progress.ProgressKeys;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a changefeed's progress topic with a read_committed consumer: a table's progress is
 * visible only once the Streams transaction that wrote its sink records has committed, so the
 * minimum over the tables is a checkpoint every sink record below it is durably in Kafka.
 *
 * <p>A table reports on its own only when it had rows; what holds for every table of an internal
 * partition at once comes as the partition's {@code PartitionProgress} (docs/many-tables.md). Once
 * every partition has reported, the minimum over the partitions covers every table, so the
 * changefeed checkpoint costs O(partitions), not O(tables), per owner tick.
 *
 * <p>A failing consumer (the broker is gone, the topic was deleted) does not end the tracking: the
 * failure is kept in {@link #failure()} for the owner to report, and the consumer is built again
 * after a backoff, reading from the start of the (compacted) topic.
 */
public final class ProgressTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);
  private static final Backoff RETRY = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), Duration.ZERO);
  private final String bootstrapServers;
  private final String topic;
  private final ProgressBook book;
  private final AvroBinary<PartitionProgress> partitionCodec = new AvroBinary<>(PartitionProgress.class);
  private final Thread thread;
  private final AvroBinary<TableProgress> codec = new AvroBinary<>(TableProgress.class);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean closed;
  /** When a table last reported on its own (only tables with rows do), {@link System#nanoTime()}; 0 for never. */
  private volatile long tableReportedAtNanos;

  /** @param partitions the partitions of the changefeed's internal topic, each reporting its progress */
  public ProgressTracker(String bootstrapServers, String topic, int partitions) {
    this.bootstrapServers = bootstrapServers;
    this.book = new ProgressBook(partitions);
    this.topic = topic;
    thread = new Thread(this::run, "progress-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    // The topic has one partition; assign it directly (no group), always read from the start.
    TopicPartition tp = new TopicPartition(topic, 0);
    c.assign(List.of(tp));
    c.seekToBeginning(List.of(tp));
    return c;
  }

  private void run() {
    int attempt = 0;
    while (!closed) {
      try {
        consumer = newConsumer();
        if (closed) {
          break;
        }
        while (!closed) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
          failure.set(null);
          attempt = 0;
          for (ConsumerRecord<byte[], byte[]> r : records) {
            apply(r);
          }
        }
      } catch (WakeupException e) {
        if (!closed) {
          LOG.warn("progress consumer of {} woken up unexpectedly", topic, e);
        }
      } catch (RuntimeException | Error e) {
        failure.set(e);
        LOG.warn("reading {} failed; reading it again in {} ms", topic, RETRY.delayMillis(attempt + 1), e);
        sleep(RETRY.delayMillis(++attempt));
      } finally {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
          c.close(Duration.ZERO);
        }
      }
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() != null && ProgressKeys.isPartition(r.key())) {
      book.partition(partitionCodec.decode(r.value()));
      return;
    }
    if (r.value() == null || ProgressKeys.tableId(r.key()).isEmpty()) {
      return; // a tombstone, or the owner's DDL mark
    }
    book.table(codec.decode(r.value()));
    tableReportedAtNanos = System.nanoTime();
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /**
   * Some table reported on its own in the last {@code ms}: rows flow, or are held by the barrier. Tables report on
   * their own only while they have rows; what holds for the idle ones comes per partition.
   */
  public boolean tablesReportedWithin(long ms) {
    long at = tableReportedAtNanos;
    return at != 0 && System.nanoTime() - at < TimeUnit.MILLISECONDS.toNanos(ms);
  }

  /** Why the progress cannot be read right now, if it cannot. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** The minimum checkpoint over {@code tableIds}, or empty while unknown ({@link ProgressBook#checkpoint}). */
  public OptionalLong checkpoint(Set<Long> tableIds) {
    return book.checkpoint(tableIds);
  }

  /** The largest commit ts any of {@code tableIds} has written to the sink, 0 while unknown. */
  public long lastSynced(Set<Long> tableIds) {
    return book.lastSynced(tableIds);
  }

  /** Where each internal partition's sink checkpoint and resolved ts stand ({@link ProgressBook#partitionsBehind}). */
  public String partitionsBehind(long nowMillis) {
    return book.partitionsBehind(nowMillis);
  }

  /** The minimum resolved ts the sorter has seen over {@code tableIds}. */
  public OptionalLong resolved(Set<Long> tableIds) {
    return book.resolved(tableIds);
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
