package io.kcdc.testkit;

/** A running broker process of {@link Kafka}: in this JVM or in a child JVM. */
interface KafkaNode {
  /** Controlled shutdown; returns when the broker is down. */
  void stop();

  /** SIGKILL; returns when the broker is gone. */
  void kill();

  boolean isAlive();

  /** What went wrong when it did not come up (the child's log tail), or "". */
  String diagnostics();
}
