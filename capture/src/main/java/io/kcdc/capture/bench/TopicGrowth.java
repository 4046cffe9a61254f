package io.kcdc.capture.bench;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * When a topic received its first record and when it held a given number, from its partitions' end offsets polled
 * every 200 ms (transaction markers count as offsets too, so the count is an upper bound of the records): the
 * phases of a catch-up seen from outside the capture.
 */
final class TopicGrowth implements AutoCloseable {
  private final Admin admin;
  private final String topic;
  private final long target;
  private final Thread poller;
  private volatile long firstAtMs = -1;
  private volatile long reachedAtMs = -1;

  /** Starts polling {@code topic} (once it exists) until it holds {@code target} offsets. */
  TopicGrowth(String kafka, String topic, long target) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka));
    this.topic = topic;
    this.target = target;
    this.poller = new Thread(this::poll, "bench-topic-growth");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    try {
      while (reachedAtMs < 0) {
        long total = endOffsets();
        long now = System.currentTimeMillis();
        if (total > 0 && firstAtMs < 0) {
          firstAtMs = now;
        }
        if (total >= target) {
          reachedAtMs = now;
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long endOffsets() throws InterruptedException {
    try {
      return endOffsets(admin, List.of(topic)).getOrDefault(topic, 0L);
    } catch (ExecutionException e) {
      return 0; // not created yet
    }
  }

  /**
   * The end offsets of every topic on the broker (the sum over its partitions), Kafka's own ({@code
   * __transaction_state}, {@code __consumer_offsets}) included: records and transaction markers written so far.
   */
  static Map<String, Long> endOffsetsOfAllTopics(String kafka) throws InterruptedException, ExecutionException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      return endOffsets(admin, admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get());
    }
  }

  /** Each topic's end offset summed over its partitions. */
  private static Map<String, Long> endOffsets(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> specs = admin.describeTopics(topics).allTopicNames().get().values().stream()
        .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
        .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
    return admin.listOffsets(specs).all().get().entrySet().stream()
        .collect(Collectors.groupingBy(e -> e.getKey().topic(), Collectors.summingLong(e -> e.getValue().offset())));
  }

  /** Wall-clock time of the first record; -1 if none was seen. */
  long firstAtMs() {
    return firstAtMs;
  }

  /** Wall-clock time the topic held the target; -1 if it did not. */
  long reachedAtMs() {
    return reachedAtMs;
  }

  @Override
  public void close() {
    poller.interrupt();
    admin.close();
  }
}
