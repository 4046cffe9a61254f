package io.kcdc.testkit;

import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/** The broker in this JVM: quick to start, shares the heap, cannot be SIGKILLed alone. */
final class InJvmKafkaNode implements KafkaNode {
  private final KafkaRaftServer server;
  private boolean alive;

  private InJvmKafkaNode(KafkaRaftServer server) {
    this.server = server;
  }

  /** Starts the node; KafkaRaftServer's startup returns once the broker is unfenced. */
  static InJvmKafkaNode start(Properties config) {
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
    InJvmKafkaNode node = new InJvmKafkaNode(server);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      throw e;
    }
    node.alive = true;
    return node;
  }

  @Override
  public synchronized void stop() {
    if (alive) {
      alive = false;
      server.shutdown();
      server.awaitShutdown();
    }
  }

  @Override
  public void kill() {
    throw new UnsupportedOperationException(
        "a broker in this JVM cannot be SIGKILLed: build it with Kafka.builder().inChildJvm(maxHeap)");
  }

  @Override
  public synchronized boolean isAlive() {
    return alive;
  }

  @Override
  public String diagnostics() {
    return "";
  }
}
