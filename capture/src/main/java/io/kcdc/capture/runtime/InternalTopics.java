package io.kcdc.capture.runtime;

import io.kcdc.streams.ChangefeedNames;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.progress.ReadFromStartTopics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Names and lifecycle of a changefeed's internal topics ({@code _cdc.<cf>.*}). */
public final class InternalTopics {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InternalTopics.class);
  private final Admin admin;
  private final short replicationFactor;
  /**
   * When this process last made sure of a changefeed's topics: the owner asks on every tick. Looked at again after
   * {@link #ENSURE_AGAIN_MS}, since another capture may have removed them meanwhile.
   */
  private final Map<String, Long> ensured = new ConcurrentHashMap<>();
  private static final long ENSURE_AGAIN_MS = 30_000;

  public InternalTopics(Admin admin, short replicationFactor) {
    this.admin = admin;
    this.replicationFactor = replicationFactor;
  }

  /** Connector output: mounted row changes and resolved marks, one table per partition. */
  public static String rows(String namespace, String changefeedId) {
    return new ChangefeedNames("", namespace, changefeedId).rowsTopic();
  }

  /** Streams app output: per-table checkpoints, committed with the sink records. */
  public static String progress(String namespace, String changefeedId) {
    return new ChangefeedNames("", namespace, changefeedId).progressTopic();
  }

  /** Creates the rows and progress topics when missing. */
  public void ensure(String namespace, String changefeedId, int rowPartitions) {
    Long at = ensured.get(rows(namespace, changefeedId));
    if (at != null && System.currentTimeMillis() - at < ENSURE_AGAIN_MS) {
      return;
    }
    create(rows(namespace, changefeedId), rowPartitions, Map.of("retention.ms", "604800000",
        "max.message.bytes", Integer.toString(ChangefeedStreams.INTERNAL_RECORD_MAX_BYTES)));
    // Compacted: only the newest progress of each table matters; a new owner reads it from the start.
    create(progress(namespace, changefeedId), 1, ReadFromStartTopics.configs());
    ensured.put(rows(namespace, changefeedId), System.currentTimeMillis());
  }

  public int partitions(String topic) {
    try {
      return admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("describe " + topic + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  public void delete(String namespace, String changefeedId) {
    ensured.remove(rows(namespace, changefeedId));
    try {
      admin.deleteTopics(List.of(rows(namespace, changefeedId), progress(namespace, changefeedId))).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw new IllegalStateException("delete internal topics: " + e.getCause().getMessage(), e.getCause());
      }
    }
  }

  /** Deletes the rows and progress topics and waits until Kafka no longer lists them (so they can be created again). */
  public void deleteAndWait(String namespace, String changefeedId) {
    delete(namespace, changefeedId);
    Set<String> gone = Set.of(rows(namespace, changefeedId), progress(namespace, changefeedId));
    long deadline = System.currentTimeMillis() + 60_000;
    try {
      while (admin.listTopics().names().get().stream().anyMatch(gone::contains)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the internal topics " + gone + " were not deleted within 60 s");
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("list topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Deletes the Kafka Streams changelog/repartition topics of every application whose id starts
   * with {@code appIdPrefix}. Best effort: a capture may still be closing its app.
   */
  /**
   * Before a Streams application id is used again from scratch (a changefeed reset to a checkpoint that keeps its
   * id): its changelog topics are deleted and gone, and its consumer group with the committed offsets of the rows
   * topic that was deleted too (a new rows topic with as many records would be read from the old offsets).
   */
  public void forgetStreamsApp(String applicationId) {
    deleteStreamsTopics(applicationId + "-");
    long deadline = System.currentTimeMillis() + 60_000;
    try {
      while (admin.listTopics().names().get().stream().anyMatch(t -> t.startsWith(applicationId + "-"))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the Streams topics of " + applicationId + " were not deleted within 60 s");
        }
        Thread.sleep(200);
      }
      while (true) {
        try {
          admin.deleteConsumerGroups(List.of(applicationId)).all().get();
          return;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof GroupIdNotFoundException) {
            return;
          }
          if (!(e.getCause() instanceof GroupNotEmptyException) || System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("cannot delete the consumer group " + applicationId + ": "
                + e.getCause().getMessage(), e.getCause());
          }
          Thread.sleep(500); // a capture's app has not left yet
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("list topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  public void deleteStreamsTopics(String appIdPrefix) {
    try {
      List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(appIdPrefix)).toList();
      if (!topics.isEmpty()) {
        admin.deleteTopics(topics).all().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("deleting the streams topics of {}*: {}", appIdPrefix, e.getCause().getMessage());
    }
  }

  private void create(String topic, int partitions, Map<String, String> configs) {
    try {
      admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs))).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("create " + topic + ": " + e.getCause().getMessage(), e.getCause());
      }
      align(topic, configs);
    }
  }

  /** Sets the configs on a topic created earlier (by an older version, with other limits). Best effort. */
  private void align(String topic, Map<String, String> configs) {
    List<AlterConfigOp> ops = configs.entrySet().stream()
        .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET)).toList();
    try {
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), ops)).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("cannot set {} on {}: {}", configs, topic, e.getCause().getMessage());
    }
  }
}
