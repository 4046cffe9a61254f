package io.kcdc.connector;

import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.avro.InternalEvent;
import io.kcdc.testkit.Http;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

/**
 * A one-broker KRaft cluster and an in-process distributed Connect worker (service-loaded
 * plugins, so the connector on the test classpath is found), with its REST API and readers of
 * the internal topic.
 */
final class ConnectHarness implements AutoCloseable {
  private final Kafka kafka;
  private final Connect<?> connect;
  private final Http rest;

  ConnectHarness() throws Exception {
    kafka = Kafka.startTemporary();
    Map<String, String> w = new HashMap<>();
    w.put("bootstrap.servers", kafka.bootstrapServers());
    w.put("group.id", "kcdc-it-connect");
    w.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    w.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    w.put("offset.storage.topic", "connect-offsets");
    w.put("config.storage.topic", "connect-configs");
    w.put("status.storage.topic", "connect-status");
    w.put("offset.storage.replication.factor", "1");
    w.put("config.storage.replication.factor", "1");
    w.put("status.storage.replication.factor", "1");
    w.put("offset.flush.interval.ms", "500");
    w.put("listeners", "http://127.0.0.1:0");
    w.put("plugin.discovery", "service_load");
    connect = new ConnectDistributed().startConnect(w);
    rest = Http.to(connect.rest().serverUrl().toString());
  }

  void createTopic(String name, int partitions) throws Exception {
    kafka.createTopic(name, partitions);
  }

  /** Connect's REST API. */
  Http rest() {
    return rest;
  }

  /** A reader of every partition of the topic from the beginning. */
  PartitionReader reader(String topic) {
    return PartitionReader.open(kafka.bootstrapServers(), topic);
  }

  /**
   * The JSON config of a TiCDC source connector with two tasks, reading {@code pdAddress} from
   * {@code startTs} for the tables {@code rule} matches, into {@code topic} with {@code partitions}.
   */
  static String connectorConfig(String changefeed, String pdAddress, long startTs, String rule, String topic, int partitions) {
    return """
        {"connector.class": "io.kcdc.connector.TiCdcSourceConnector",
         "tasks.max": "2",
         "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
         "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
         "changefeed.id": "%s",
         "pd.addresses": "%s",
         "start.ts": "%d",
         "filter.rules": "[\\"%s\\"]",
         "topic": "%s",
         "topic.partitions": "%d",
         "kv.resolved.ts.interval.ms": "100"}
        """.formatted(changefeed, pdAddress, startTs, rule, topic, partitions);
  }

  /** One decoded record of the internal topic; task checkpoints (no key) have table id -1. */
  record Decoded(int partition, long tableId, InternalEvent event) {}

  /**
   * The connector tasks' {@code TaskCheckpoint}s read per partition, in order: once every task of a task count has
   * written one to a partition, every table of the partition is resolved up to the smallest (docs/many-tables.md).
   */
  static final class TaskCheckpoints {
    /** partition → task count → task index → checkpoint */
    private final Map<Integer, Map<Integer, Map<Integer, Long>>> seen = new HashMap<>();

    void add(int partition, TaskCheckpoint c) {
      seen.computeIfAbsent(partition, p -> new HashMap<>()).computeIfAbsent(c.getTaskCount(), n -> new HashMap<>())
          .merge(c.getTaskIndex(), c.getCheckpointTs(), Math::max);
    }

    /** No row of any table of the partition at or below this follows in it; 0 while unknown. */
    long floor(int partition) {
      long floor = 0;
      for (Map.Entry<Integer, Map<Integer, Long>> e : seen.getOrDefault(partition, Map.of()).entrySet()) {
        if (e.getValue().size() == e.getKey()) {
          floor = Math.max(floor, e.getValue().values().stream().mapToLong(Long::longValue).min().orElse(0));
        }
      }
      return floor;
    }
  }

  /** What the reader brings within half a second, decoded. */
  static List<Decoded> poll(PartitionReader reader) {
    return reader.poll(Duration.ofMillis(500)).stream()
        .map(r -> new Decoded(r.partition(), r.key() == null ? -1 : InternalEvents.tableIdOf(r.key()),
            InternalEvents.deserialize(r.value())))
        .toList();
  }

  @Override
  public void close() throws Exception {
    try {
      connect.stop();
      connect.awaitStop();
    } finally {
      kafka.close();
    }
  }
}
