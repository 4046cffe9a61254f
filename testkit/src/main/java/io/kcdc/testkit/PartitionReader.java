package io.kcdc.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a {@code read_committed} consumer sees of a topic's partitions, from the beginning: up to
 * the end they have now ({@link #readToEnd}, {@link #readAll}), or as records arrive ({@link
 * #poll}, {@link #drain}). Records of aborted transactions are never returned, and the end of a
 * partition with an open transaction is where that transaction starts (docs/testkit.md).
 * Assigned partitions, no consumer group, no committed offsets.
 */
public final class PartitionReader implements AutoCloseable {
  /** How long {@link #readToEnd()} may take. */
  public static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration EMPTY_POLL = Duration.ofMillis(200);
  private static final int EMPTY_POLLS = 3;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions;

  private PartitionReader(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    this.consumer = consumer;
    this.partitions = partitions;
  }

  /** A reader of the given partitions of {@code topic}, or of all of them when none is given. */
  public static PartitionReader open(String bootstrapServers, String topic, int... partitions) {
    return open(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, partitions);
  }

  /**
   * The same with consumer settings of the caller's (security, {@code max.poll.records}, even
   * another {@code isolation.level}); they must name the bootstrap servers.
   */
  public static PartitionReader open(Map<String, Object> config, String topic, int... partitions) {
    if (!config.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("a reader's config needs " + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.putAll(config);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> tps = new ArrayList<>();
      if (partitions.length == 0) {
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
          tps.add(new TopicPartition(topic, p.partition()));
        }
        if (tps.isEmpty()) {
          throw new IllegalArgumentException("topic " + topic + " has no partitions (does it exist?)");
        }
      } else {
        for (int p : partitions) {
          tps.add(new TopicPartition(topic, p));
        }
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      return new PartitionReader(consumer, List.copyOf(tps));
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** Every record of the partitions (all of the topic's when none is given), up to their end now. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, int... partitions) {
    try (PartitionReader r = open(bootstrapServers, topic, partitions)) {
      return r.readToEnd();
    }
  }

  public List<TopicPartition> partitions() {
    return partitions;
  }

  /** The next records, waiting up to {@code timeout} for some. */
  public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    consumer.poll(timeout).forEach(out::add);
    return out;
  }

  /** {@link #readToEnd(Duration)} within {@link #TIMEOUT}. */
  public List<ConsumerRecord<byte[], byte[]>> readToEnd() {
    return readToEnd(TIMEOUT);
  }

  /**
   * The records from where the reader is up to every partition's end as of this call (and any
   * that arrive in the same polls); fails when that takes longer than {@code timeout}.
   */
  public List<ConsumerRecord<byte[], byte[]>> readToEnd(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(tp -> at.put(tp, consumer.position(tp)));
        throw new IllegalStateException("read " + out.size() + " records in " + timeout + " but stopped at " + at
            + " before the end " + end);
      }
      consumer.poll(POLL).forEach(out::add);
    }
    return out;
  }

  /**
   * What is there and what arrives meanwhile, until three polls of 200 ms have brought nothing
   * (not necessarily in a row, so a steady trickle cannot keep it reading).
   */
  public List<ConsumerRecord<byte[], byte[]>> drain() {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    int empty = 0;
    while (empty < EMPTY_POLLS) {
      var batch = consumer.poll(EMPTY_POLL);
      if (batch.isEmpty()) {
        empty++;
      }
      batch.forEach(out::add);
    }
    return out;
  }

  /** The sum of the partitions' end offsets: how many records (and transaction markers) they hold. */
  public long endOffsetSum() {
    return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
