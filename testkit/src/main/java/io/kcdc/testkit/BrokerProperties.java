package io.kcdc.testkit;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The settings of the single-node KRaft cluster: one process that is broker and controller
 * ({@link #combined}), or a controller and a broker in two processes ({@link #controller},
 * {@link #broker}; see docs/testkit.md for why a broker that is killed needs its own process).
 * Listener names are fixed ({@code PLAINTEXT} for clients, {@code CONTROLLER} for the quorum),
 * every internal topic has replication factor 1, no topic is created by a client asking for it,
 * a consumer group forms without the initial rebalance delay, and a timed-out transaction is
 * aborted within a second. {@code extra} wins over all of these.
 */
final class BrokerProperties {
  static final int BROKER_ID = 1;
  /** The controller's node id when it runs apart from the broker. */
  static final int CONTROLLER_ID = 2;
  static final String CONTROLLER_LISTENER = "CONTROLLER";

  private BrokerProperties() {}

  /** One process: broker and controller, node 1. */
  static Properties combined(String host, int port, int controllerPort, Path logDir, Map<String, String> extra) {
    Properties p = shared(logDir);
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(BROKER_ID));
    p.put("controller.quorum.voters", BROKER_ID + "@" + host + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
    brokerListener(p, host, port);
    p.putAll(extra);
    return p;
  }

  /** The controller alone, node 2, the quorum's only voter. */
  static Properties controller(String host, int controllerPort, Path logDir, Map<String, String> extra) {
    Properties p = split(logDir, host, controllerPort);
    p.put("process.roles", "controller");
    p.put("node.id", Integer.toString(CONTROLLER_ID));
    p.put("listeners", CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
    p.putAll(extra);
    return p;
  }

  /** The broker alone, node 1, following the controller of {@link #controller}. */
  static Properties broker(String host, int port, int controllerPort, Path logDir, Map<String, String> extra) {
    Properties p = split(logDir, host, controllerPort);
    p.put("process.roles", "broker");
    p.put("node.id", Integer.toString(BROKER_ID));
    p.put("listeners", "PLAINTEXT://" + host + ":" + port);
    brokerListener(p, host, port);
    p.putAll(extra);
    return p;
  }

  /** How long the controller waits for a silent broker's heartbeat before it fences it. */
  static long sessionTimeoutMs(Properties p) {
    return Long.parseLong(p.getProperty("broker.session.timeout.ms", "9000"));
  }

  private static Properties split(Path logDir, String host, int controllerPort) {
    Properties p = shared(logDir);
    p.put("controller.quorum.voters", CONTROLLER_ID + "@" + host + ":" + controllerPort);
    // A killed broker is fenced (its partitions wait for it) after this; a restart waits for it.
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "500");
    return p;
  }

  private static void brokerListener(Properties p, String host, int port) {
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("inter.broker.listener.name", "PLAINTEXT");
  }

  private static Properties shared(Path logDir) {
    Properties p = new Properties();
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A killed capture's open Streams transaction is aborted within a second of its timeout (default 10 s).
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    // Captures may use group sessions shorter than the default minimum of 6 s (faster failover).
    p.put("group.min.session.timeout.ms", "2000");
    p.put("auto.create.topics.enable", "false");
    return p;
  }
}
