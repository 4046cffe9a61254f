package io.kcdc.capture.runtime;

import io.kcdc.streams.progress.ReadFromStartTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings that decide how fast a crashed capture's work resumes, in one place; docs/crash-recovery.md
 * explains the trade-offs.
 *
 * <ul>
 *   <li>Connect and Streams notice a dead member after {@code sessionTimeout} ({@code --kafka-session-timeout});
 *       the default, 6 s, is the smallest a broker accepts unless its {@code group.min.session.timeout.ms} is
 *       lowered. Static membership would wait for the killed capture to come back instead, and a capture's JVM
 *       takes longer than that to start on a small machine.
 *   <li>Streams: the dead member's open transaction (it commits every 500 ms) must end before its partitions
 *       can be read again; the owner fences it once the capture's etcd session is gone ({@link StreamsFencer}).
 *       Failing that, transactions time out after the session timeout, and the broker aborts them when it next
 *       looks for timed-out transactions ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms},
 *       10 s by default; the playground's broker uses 1 s). One standby replica per task keeps a copy of the
 *       sorter's store on another capture.
 *   <li>Connect: a dead worker's tasks are handed out again at once ({@code scheduled.rebalance.max.delay.ms=0})
 *       instead of waiting for it to come back. Each exactly-once source task has its own transactional id, so the
 *       task's new incarnation fences the old one (and aborts its open transaction) wherever it starts.
 * </ul>
 *
 * @param sessionTimeout how long Kafka's group coordinator waits before it gives a silent member's work to others
 * @param transactionTimeout the Streams producers' {@code transaction.timeout.ms} ({@code --kafka-transaction-timeout}),
 *     or null for the default ({@link #transactionTimeoutMs()})
 */
public record Failover(Duration sessionTimeout, Duration transactionTimeout) {
  /** The broker's default {@code group.min.session.timeout.ms}. */
  public static final Failover DEFAULT = new Failover(Duration.ofSeconds(6));

  /** The default transaction timeout. */
  public Failover(Duration sessionTimeout) {
    this(sessionTimeout, null);
  }

  public static final int STANDBY_REPLICAS = 1;

  /** A quarter of the session: a member misses three heartbeats before it is given up. */
  int heartbeatMs() {
    return (int) Math.max(250, sessionTimeout.toMillis() / 4);
  }

  /**
   * The Streams producers' {@code transaction.timeout.ms}. A dead capture's open transaction holds back every
   * read_committed reader of the partitions it wrote (the sink's consumers, the owner's progress reads) until the
   * broker aborts it, so it should not outlast the session by much; but a live thread starved for longer than this
   * (2 cores under load, a GC pause) finds its transaction aborted and has to be replaced, and with 2 s it happened
   * several times in ten minutes of the chaos run. 4 s at least (docs/crash-recovery.md#aborted-transactions).
   * The owner fences a dead capture's transactions once its etcd session is gone, so the timeout is what is left
   * when that cannot happen (etcd unreachable, a {@code cdc streams} instance).
   */
  int transactionTimeoutMs() {
    if (transactionTimeout != null) {
      return (int) transactionTimeout.toMillis();
    }
    return (int) Math.max(sessionTimeout.toMillis(), MIN_TRANSACTION_TIMEOUT_MS);
  }

  static final long MIN_TRANSACTION_TIMEOUT_MS = 4_000;

  /** Settings of every Streams app of a capture. */
  public Map<String, Object> streamsProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) sessionTimeout.toMillis());
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), heartbeatMs());
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), transactionTimeoutMs());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, STANDBY_REPLICAS);
    return p;
  }

  /** Settings of the capture's Connect worker. */
  public Map<String, String> connectWorkerProperties() {
    return Map.of(
        "session.timeout.ms", Long.toString(sessionTimeout.toMillis()),
        "heartbeat.interval.ms", Integer.toString(heartbeatMs()),
        "scheduled.rebalance.max.delay.ms", "0",
        // topic-level settings of the offsets topic when the worker creates it (KIP-605's prefix): a restarted
        // exactly-once task reads it from the start
        "offset.storage.segment.ms", Long.toString(ReadFromStartTopics.SEGMENT_MS),
        "offset.storage.delete.retention.ms", Long.toString(ReadFromStartTopics.DELETE_RETENTION_MS));
  }
}
