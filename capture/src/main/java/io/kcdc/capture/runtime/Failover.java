package io.kcdc.capture.runtime;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings that decide how fast a crashed capture's work resumes, in one place; the README's
 * "Recovery after a crash" section explains the trade-offs. The target: the checkpoint moves past
 * the moment of a SIGKILL within 10 s, whether the capture comes back or not.
 *
 * <ul>
 *   <li>Both groups notice a dead member after {@link #SESSION_TIMEOUT_MS}, the broker's default minimum
 *       ({@code group.min.session.timeout.ms}). Static membership would wait for the killed capture to come back
 *       instead, and a capture's JVM takes longer than that to start on a small machine.
 *   <li>Streams: the dead member's open transaction (it commits every 500 ms) must end before its partitions
 *       can be read again; {@link #STREAMS_TRANSACTION_TIMEOUT_MS} makes the broker abort it by the time the
 *       rebalance is done, given a broker that looks for timed-out transactions often enough
 *       ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, 10 s by default; the
 *       playground's broker uses 1 s). One standby replica per task keeps a copy of the sorter's store on
 *       another capture, so the task resumes there without restoring the store from its changelog.
 *   <li>Connect: a dead worker's tasks are handed out again at once ({@code scheduled.rebalance.max.delay.ms=0})
 *       instead of waiting for it to come back. Each exactly-once source task has its own transactional id, so
 *       the task's new incarnation fences the old one (and aborts its open transaction) wherever it starts.
 * </ul>
 */
public final class Failover {
  /** How long Kafka's group coordinator waits before it gives a silent member's work to the others. */
  public static final int SESSION_TIMEOUT_MS = 6_000;

  public static final int HEARTBEAT_INTERVAL_MS = 1_500;

  /** A Streams transaction lives at most this long: a dead capture's one blocks readers no longer. */
  public static final int STREAMS_TRANSACTION_TIMEOUT_MS = 6_000;

  public static final int STANDBY_REPLICAS = 1;

  private Failover() {}

  /** Settings of every Streams app of a capture. */
  public static Map<String, Object> streamsProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), HEARTBEAT_INTERVAL_MS);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), STREAMS_TRANSACTION_TIMEOUT_MS);
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, STANDBY_REPLICAS);
    return p;
  }

  /** Settings of the capture's Connect worker. */
  public static Map<String, String> connectWorkerProperties() {
    return Map.of(
        "session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
        "heartbeat.interval.ms", Integer.toString(HEARTBEAT_INTERVAL_MS),
        "scheduled.rebalance.max.delay.ms", "0");
  }
}
