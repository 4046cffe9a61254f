package io.kcdc.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka cluster (KRaft) for tests and the playground. By default one node in this
 * JVM is broker and controller (quick, what most tests need); {@link Builder#inChildJvm} runs the
 * broker as {@code kafka.Kafka} in a child JVM that a test can {@link #kill} and {@link #start}
 * again, with its controller in this JVM (docs/testkit.md says why). Ports and log dirs are fixed
 * when it is built, so a restarted broker has the same address and the same data. The settings
 * are in {@link BrokerProperties}; {@link Builder#brokerProperty} adds or overrides one.
 */
public final class Kafka implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);

  private final Lifecycle lifecycle;
  private final Path dataDir;
  private final String host;
  private final int port;
  private final int controllerPort;
  private final Map<String, String> brokerProperties;
  private final Map<String, Object> clientProperties;
  private final String childHeap;
  private final String clusterId = Uuid.randomUuid().toString();
  private KafkaNode controller;
  private KafkaNode node;
  private boolean killed;
  private long killedAtNanos;

  private Kafka(Builder b, Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
    this.dataDir = lifecycle.dataDir();
    this.host = b.host;
    this.port = FreePorts.orPick(b.port);
    this.controllerPort = FreePorts.orPick(b.controllerPort);
    this.brokerProperties = Map.copyOf(b.brokerProperties);
    this.clientProperties = Map.copyOf(b.clientProperties);
    this.childHeap = b.childHeap;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A broker in this JVM on free ports in a temp dir that {@link #close} deletes, started. */
  public static Kafka startTemporary() throws IOException {
    return builder().build().start();
  }

  /**
   * Formats the log dirs when they are new, starts the node(s) and waits until the broker serves
   * clients; fails if it is running already. After a {@link #kill} it first waits until the
   * controller has fenced the killed broker (docs/testkit.md).
   */
  public synchronized Kafka start() throws IOException {
    lifecycle.checkStartable(isRunning(), bootstrapServers());
    try {
      if (childHeap == null) {
        KafkaStorage.formatIfNew(dataDir, BrokerProperties.BROKER_ID, clusterId);
        node = InJvmKafkaNode.start(BrokerProperties.combined(host, port, controllerPort, dataDir, brokerProperties));
      } else {
        startControllerIfDown();
        Properties broker = BrokerProperties.broker(host, port, controllerPort, brokerDir(), brokerProperties);
        awaitFencedAfterKill(BrokerProperties.sessionTimeoutMs(broker));
        KafkaStorage.formatIfNew(brokerDir(), BrokerProperties.BROKER_ID, clusterId);
        node = ChildJvmKafkaNode.start(broker, brokerDir(), childHeap);
      }
      awaitReady();
    } catch (IOException | RuntimeException e) {
      stopQuietly();
      throw e;
    } catch (Exception e) {
      stopQuietly();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("Kafka did not start on " + bootstrapServers() + ": " + e, e);
    }
    return this;
  }

  /** The child JVM's broker follows a controller in this JVM, which outlives broker kills. */
  private void startControllerIfDown() throws Exception {
    if (controller == null || !controller.isAlive()) {
      Path dir = dataDir.resolve("controller");
      KafkaStorage.formatIfNew(dir, BrokerProperties.CONTROLLER_ID, clusterId);
      controller = InJvmKafkaNode.start(BrokerProperties.controller(host, controllerPort, dir, brokerProperties));
    }
  }

  /**
   * A broker that registers again while the controller still holds its killed predecessor's
   * session leads its partitions on stale metadata and can drop transaction markers; waiting out
   * the session avoids that (docs/testkit.md).
   */
  private void awaitFencedAfterKill(long sessionTimeoutMs) throws InterruptedException {
    if (killed) {
      long wait = killedAtNanos + (sessionTimeoutMs + 2000) * 1_000_000 - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000 + 1);
      }
      killed = false;
    }
  }

  private Path brokerDir() {
    return dataDir.resolve("broker");
  }

  /** Until the broker answers a client (it is unfenced then), or the child JVM has died. */
  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    try (Admin admin = Admin.create(adminConfig(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000)))) {
      while (System.nanoTime() < deadline) {
        if (!node.isAlive()) {
          throw new IOException("Kafka died while starting: " + node.diagnostics());
        }
        try {
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          // not serving yet
        }
        Thread.sleep(200);
      }
    }
    throw new IOException("Kafka did not serve clients on " + bootstrapServers() + " within " + READY_WITHIN
        + " (a secured listener needs clientProperty(...) settings): " + node.diagnostics());
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException ignored) {
      // the start failure is what the caller needs to see
    }
  }

  /**
   * Controlled shutdown of the broker; returns when it is down. A child JVM's controller keeps
   * running (until {@link #close}).
   */
  public synchronized void stop() {
    if (node != null) {
      node.stop();
    }
  }

  /**
   * SIGKILL of the broker, as a crash (child JVM only: a broker in this JVM throws
   * {@link UnsupportedOperationException}); returns when the process is gone.
   */
  public synchronized void kill() {
    if (node != null && node.isAlive()) {
      node.kill();
      killed = true;
      killedAtNanos = System.nanoTime();
    }
  }

  public synchronized boolean isRunning() {
    return node != null && node.isAlive();
  }

  /** e.g. {@code 127.0.0.1:9092}. */
  public String bootstrapServers() {
    return host + ":" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  /**
   * In this JVM the node's log dir; with a child JVM the parent of {@code controller/} and
   * {@code broker/} (the broker's log dir, with its {@code server.properties} and {@code
   * server.log}).
   */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether the broker runs in a child JVM (and can be killed). */
  public boolean inChildJvm() {
    return childHeap != null;
  }

  /** Admin client settings for this broker: bootstrap, the builder's client properties, {@code more}. */
  public Map<String, Object> adminConfig(Map<String, Object> more) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.putAll(more);
    return config;
  }

  /** Creates a topic with replication factor 1 and waits until it exists. */
  public void createTopic(String name, int partitions) throws InterruptedException, ExecutionException {
    try (Admin admin = Admin.create(adminConfig(Map.of()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
  }

  /** Stops the broker and deletes a temp dir it created; calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (!lifecycle.close()) {
      return;
    }
    try {
      stop();
    } finally {
      if (controller != null) {
        controller.stop();
      }
    }
    lifecycle.deleteOwnDataDir();
  }

  @Override
  public String toString() {
    return "Kafka " + bootstrapServers() + (childHeap == null ? " (this JVM)" : " (child JVM)");
  }

  /** Where, on which ports, how; 0 means a free port, picked once at {@link #build}. */
  public static final class Builder {
    private Path dataDir;
    private String host = "127.0.0.1";
    private int port;
    private int controllerPort;
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private final Map<String, Object> clientProperties = new LinkedHashMap<>();
    private String childHeap;

    private Builder() {}

    /** The broker's log dir; default: a new temp dir, deleted by {@link Kafka#close}. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** The host the listeners bind to and advertise (default {@code 127.0.0.1}). */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The client ({@code PLAINTEXT} listener) port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The KRaft controller ({@code CONTROLLER} listener) port. */
    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /** A broker setting added to, or replacing one of, {@link BrokerProperties}'. */
    public Builder brokerProperty(String key, String value) {
      brokerProperties.put(key, value);
      return this;
    }

    public Builder brokerProperties(Map<String, String> properties) {
      brokerProperties.putAll(properties);
      return this;
    }

    /**
     * A client setting for this builder's own clients (the readiness check, {@link
     * Kafka#createTopic}, {@link Kafka#adminConfig}), e.g. SASL settings for a secured listener.
     */
    public Builder clientProperty(String key, Object value) {
      clientProperties.put(key, value);
      return this;
    }

    /** Runs the broker in a child JVM with this {@code -Xmx}, e.g. {@code "512m"}. */
    public Builder inChildJvm(String maxHeap) {
      this.childHeap = maxHeap;
      return this;
    }

    /** The broker, not started yet. */
    public Kafka build() {
      return new Kafka(this, new Lifecycle("Kafka", dataDir));
    }
  }
}
