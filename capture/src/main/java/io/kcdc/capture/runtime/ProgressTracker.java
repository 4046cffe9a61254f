package io.kcdc.capture.runtime;

import io.kcdc.avro.TableProgress;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
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
 */
public final class ProgressTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<Long, TableProgress> byTable = new ConcurrentHashMap<>();
  private final Thread thread;
  private final SpecificDatumReader<TableProgress> reader = new SpecificDatumReader<>(TableProgress.class);
  private volatile boolean closed;

  public ProgressTracker(String bootstrapServers, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    // The topic has one partition; assign it directly (no group), always read from the start.
    TopicPartition tp = new TopicPartition(topic, 0);
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
    thread = new Thread(this::run, "progress-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            continue;
          }
          TableProgress p = decode(r.value());
          byTable.merge(p.getTableId(), p, (a, b) -> Long.compareUnsigned(b.getCheckpointTs(), a.getCheckpointTs()) >= 0 ? b : a);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        LOG.warn("progress consumer woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("progress consumer stopped", e);
    } finally {
      consumer.close();
    }
  }

  private TableProgress decode(byte[] bytes) {
    try {
      return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new IllegalStateException("undecodable TableProgress", e);
    }
  }

  /**
   * The minimum checkpoint over {@code tableIds}, or empty while a table has no progress yet.
   */
  public OptionalLong checkpoint(Set<Long> tableIds) {
    return min(tableIds, true);
  }

  /** The largest commit ts any of {@code tableIds} has written to the sink, 0 while unknown. */
  public long lastSynced(Set<Long> tableIds) {
    long max = 0;
    for (long id : tableIds) {
      TableProgress p = byTable.get(id);
      if (p != null && Long.compareUnsigned(p.getLastSyncedTs(), max) > 0) {
        max = p.getLastSyncedTs();
      }
    }
    return max;
  }

  /** The minimum resolved ts the sorter has seen over {@code tableIds}. */
  public OptionalLong resolved(Set<Long> tableIds) {
    return min(tableIds, false);
  }

  private OptionalLong min(Set<Long> tableIds, boolean checkpoint) {
    if (tableIds.isEmpty()) {
      return OptionalLong.empty();
    }
    long min = -1L; // unsigned max
    for (long id : tableIds) {
      TableProgress p = byTable.get(id);
      if (p == null) {
        return OptionalLong.empty();
      }
      long v = checkpoint ? p.getCheckpointTs() : p.getResolvedTs();
      if (Long.compareUnsigned(v, min) < 0) {
        min = v;
      }
    }
    return OptionalLong.of(min);
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
