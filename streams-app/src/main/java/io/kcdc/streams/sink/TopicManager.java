package io.kcdc.streams.sink;

import io.kcdc.common.errors.CdcError;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Sink topic management (TiCDC's {@code kafka.TopicManager}) on the sink's Kafka cluster (the admin properties name
 * it): a missing topic is created with {@code partition-num} (default 3) and the replication factor; an existing
 * topic's real partition count is used when {@code partition-num} is unset, only its first N partitions when it is
 * smaller, and a larger value is an error. Answers are cached per topic. Thread-safe.
 */
public final class TopicManager implements PartitionCounts, AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;
  private final Admin admin;
  private final KafkaSinkOptions options;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  public TopicManager(KafkaSinkOptions options, Map<String, Object> adminProps) {
    this.options = options;
    Map<String, Object> props = new java.util.HashMap<>(adminProps);
    props.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    this.admin = Admin.create(props);
  }

  @Override
  public int partitionCount(String topic) {
    return counts.computeIfAbsent(topic, this::resolve);
  }

  private int resolve(String topic) {
    try {
      int real = describe(topic);
      if (real < 0) {
        if (!options.autoCreateTopic()) {
          throw new SinkConfigException(CdcError.KAFKA_INVALID_CONFIG,
              "topic " + topic + " does not exist and auto-create-topic is false");
        }
        int n = options.partitionNum().orElse(KafkaSinkOptions.DEFAULT_PARTITION_NUM);
        try {
          admin.createTopics(List.of(new NewTopic(topic, n, options.replicationFactor())))
              .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return n;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          real = describe(topic); // created concurrently by someone else
        }
      }
      if (options.partitionNum().isPresent()) {
        int n = options.partitionNum().getAsInt();
        if (n > real) {
          throw new SinkConfigException(CdcError.KAFKA_INVALID_PARTITION_NUM, "the number of partition (" + n
              + ") specified in sink-uri is more than that of actual topic (" + real + ")");
        }
        return n;
      }
      return real;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new SinkConfigException(CdcError.KAFKA_NEW_PRODUCER, "cannot get the partitions of topic " + topic
          + ": " + reason(e), e);
    }
  }

  /**
   * TiCDC's {@code AdjustOptions}: the {@code max-message-bytes} the sink can really use for {@code topic}, no more
   * than the topic's {@code max.message.bytes}, or, for a topic the sink will create, than the broker's
   * {@code message.max.bytes} (which a new topic inherits). A message the encoders let through is then one the
   * broker takes; a larger one gets TiCDC's large-message handling or {@code CDC:ErrMessageTooLarge}.
   *
   * @throws SinkConfigException {@code CDC:ErrKafkaNewProducer} when the configs cannot be read
   */
  public int maxMessageBytes(String topic, int configured) {
    try {
      ConfigResource resource = describe(topic) >= 0
          ? new ConfigResource(ConfigResource.Type.TOPIC, topic)
          : new ConfigResource(ConfigResource.Type.BROKER, anyBrokerId());
      String name = resource.type() == ConfigResource.Type.TOPIC ? TopicConfig.MAX_MESSAGE_BYTES_CONFIG : "message.max.bytes";
      Config config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
      ConfigEntry entry = config.get(name);
      if (entry == null || entry.value() == null) {
        return configured; // not visible (some managed services hide broker configs), as TiCDC: keep it
      }
      return Math.min(configured, Integer.parseInt(entry.value()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the configs of topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new SinkConfigException(CdcError.KAFKA_NEW_PRODUCER, "cannot read max.message.bytes of topic "
          + topic + ": " + reason(e), e);
    }
  }

  private String anyBrokerId() throws InterruptedException, ExecutionException, TimeoutException {
    return admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).iterator().next().idString();
  }

  /** The id of the cluster this manager works on. */
  public String clusterId() {
    return clusterId(admin);
  }

  /**
   * The id of an admin client's Kafka cluster.
   *
   * @throws SinkConfigException {@code CDC:ErrKafkaNewProducer} when the cluster cannot be reached
   */
  public static String clusterId(Admin admin) {
    try {
      return admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing a Kafka cluster", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new SinkConfigException(CdcError.KAFKA_NEW_PRODUCER, "cannot describe the Kafka cluster: "
          + reason(e), e);
    }
  }

  /**
   * What went wrong, for a message: the client's error and its root cause, e.g. {@code SslAuthenticationException: SSL
   * handshake failed (SunCertPathBuilderException: unable to find valid certification path to requested target)}.
   */
  static String reason(Throwable e) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? text(t) : text(t) + " (" + text(root) + ")";
  }

  private static String text(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The topic's partition count, or -1 when it does not exist. */
  private int describe(String topic) throws InterruptedException, ExecutionException, TimeoutException {
    try {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
      return d.partitions().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return -1;
      }
      throw e;
    }
  }

  /**
   * Whether the sink is on the Kafka cluster that {@code bootstrapServers} (plain connections) reach: the same
   * broker address, or else the same cluster id. Only then can the sink's records join transactions on that cluster.
   */
  public boolean isOn(String bootstrapServers) {
    if (sharesBrokers(options.brokers(), bootstrapServers)) {
      return true;
    }
    try (Admin other = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      return clusterId().equals(clusterId(other));
    }
  }

  /**
   * Whether the sink's broker list shares a {@code host:port} with the app's bootstrap servers (then it is surely the
   * same cluster; disjoint lists may still be one cluster under other names, compare {@link #clusterId()}s).
   */
  public static boolean sharesBrokers(List<String> sinkBrokers, String streamsBootstrap) {
    Set<String> own = normalise(Arrays.asList(streamsBootstrap.split(",")));
    return normalise(sinkBrokers).stream().anyMatch(own::contains);
  }

  private static Set<String> normalise(List<String> brokers) {
    return brokers.stream().map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> s.toLowerCase(Locale.ROOT).replaceFirst("^[a-z0-9]+://", ""))
        .collect(Collectors.toSet());
  }

  @Override
  public void close() {
    admin.close();
  }
}
