package io.kcdc.streams;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.TableProgress;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.progress.CheckpointEmitter;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.testkit.ServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka sink on another cluster: the app runs on cluster A (internal topic, progress, changelogs), the sink topic
 * lives on cluster B. Rows arrive on B in commit order per table, a progress record on A is only written once its
 * rows are on B, the owner's watermark goes to B, and a record B refuses fails the app instead of being dropped.
 */
class CrossClusterSinkIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);
  @RegisterExtension static final ServerExtension<Kafka> APP = ServerExtension.kafka();
  @RegisterExtension static final ServerExtension<Kafka> SINK = ServerExtension.kafka();

  @TempDir static Path dir;

  @Test
  void rowsArriveOnTheOtherClusterBeforeTheirProgress() throws Exception {
    String cf = "cf-far";
    String topic = "cdc-far";
    APP.get().createTopic("_cdc." + cf + ".rows", 2);
    SinkUri uri = SinkUri.parse("kafka://" + SINK.get().bootstrapServers() + "/" + topic
        + "?protocol=canal-json&partition-num=3&replication-factor=1&enable-tidb-extension=true");
    ChangefeedStreams.Config config = config(cf, uri);
    String rows = config.internalTopic();
    try (ChangefeedStreams streams = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer();
        PartitionReader out = PartitionReader.open(SINK.get().bootstrapServers(), topic, 0, 1, 2);
        PartitionReader progress = PartitionReader.open(APP.get().bootstrapServers(), config.progressTopic(), 0)) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);

      for (int p = 0; p < 2; p++) {
        producer.send(new ProducerRecord<>(rows, p, null, barrier(Long.MAX_VALUE)));
      }
      send(producer, rows, 1, encode(testT(1, 1)));
      send(producer, rows, 2, encode(named(testT(2, 1), 2, "test", "u")));
      send(producer, rows, 1, encode(insert(1, 15, 20, 11)));
      send(producer, rows, 2, encode(insert(2, 20, 25, 201)));
      send(producer, rows, 1, encode(insert(1, 5, 10, 12)));
      send(producer, rows, 2, encode(insert(2, 10, 15, 200)));
      send(producer, rows, 1, encode(insert(1, 15, 20, 11))); // duplicate
      send(producer, rows, 1, encode(insert(1, 25, 30, 13)));
      send(producer, rows, 1, resolved(1, 20));
      send(producer, rows, 2, resolved(2, 15));
      producer.flush();

      Map<Long, Long> checkpoints = new HashMap<>();
      awaitCheckpoints(progress, checkpoints, Map.of(1L, 20L, 2L, 15L));
      // the progress is on A, so its rows must already be on B: count without waiting
      assertThat(out.endOffsetSum()).isEqualTo(3);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      drain(out, records, 3);
      assertThat(ids(records)).containsExactly("t:12", "t:11", "u:200");

      send(producer, rows, 1, resolved(1, 40));
      send(producer, rows, 2, resolved(2, 40));
      producer.flush();
      awaitCheckpoints(progress, checkpoints, Map.of(1L, 40L, 2L, 40L));
      assertThat(out.endOffsetSum()).isEqualTo(5);
      drain(out, records, 5);
      assertThat(ids(records)).containsExactly("t:12", "t:11", "t:13", "u:200", "u:201");
      for (ConsumerRecord<byte[], byte[]> r : records) {
        JsonNode m = json(r.value());
        assertThat(r.key()).isNull();
        // TiCDC's table dispatcher: crc32("testt") % 3 = 1, crc32("testu") % 3 = 0
        assertThat(r.partition()).isEqualTo(m.get("table").asText().equals("t") ? 1 : 0);
      }
      try (Admin admin = Admin.create(APP.get().adminConfig(Map.of()))) {
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
      }

      // the owner's watermark goes to the sink's cluster as well
      KafkaSinkOptions options = config.kafkaSink().orElseThrow();
      try (CheckpointEmitter emitter = new CheckpointEmitter(options, Map.of())) {
        assertThat(emitter.emit(40, List.of(topic))).isEqualTo(3);
      }
      assertThat(out.endOffsetSum()).isEqualTo(8);
      assertThat(streams.error()).isEmpty();
    }
  }

  @Test
  void aRecordTheSinkClusterRefusesFailsTheApp() throws Exception {
    String cf = "cf-refused";
    String topic = "cdc-small";
    APP.get().createTopic("_cdc." + cf + ".rows", 1);
    try (Admin admin = Admin.create(SINK.get().adminConfig(Map.of()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    ChangefeedStreams.Config config = config(cf, SinkUri.parse("kafka://" + SINK.get().bootstrapServers() + "/" + topic
        + "?protocol=canal-json"));
    try (ChangefeedStreams streams = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer();
        PartitionReader progress = PartitionReader.open(APP.get().bootstrapServers(), config.progressTopic(), 0)) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
      // lowered after the app read it (at start, as TiCDC does): only the broker can refuse the record now
      setMaxMessageBytes(topic, 1024);
      sendLargeRow(producer, config.internalTopic());

      await().atMost(Duration.ofSeconds(60)).until(() -> streams.error().isPresent());
      assertThat(streams.error().get()).hasStackTraceContaining("CDC:ErrKafkaAsyncSendMessage")
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
      await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.ERROR);
      assertThat(progress.drain()).isEmpty(); // the table's rows never reached the sink: no progress
    }
  }

  /** TiCDC's {@code AdjustOptions}: {@code max-message-bytes} (10 MiB by default) is cut to the topic's limit. */
  @Test
  void theTopicsMaxMessageBytesLimitsTheMessagesAtTheEncoder() throws Exception {
    String cf = "cf-topic-limit";
    String topic = "cdc-limited";
    APP.get().createTopic("_cdc." + cf + ".rows", 1);
    try (Admin admin = Admin.create(SINK.get().adminConfig(Map.of()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
          .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1024")))).all().get();
    }
    ChangefeedStreams.Config config = config(cf, SinkUri.parse("kafka://" + SINK.get().bootstrapServers() + "/" + topic
        + "?protocol=canal-json"));
    try (ChangefeedStreams streams = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
      sendLargeRow(producer, config.internalTopic());
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.error().isPresent());
      assertThat(streams.error().get()).hasStackTraceContaining("[CDC:ErrMessageTooLarge]")
          .hasStackTraceContaining("max-message-bytes 1024");
    }
  }

  private static void sendLargeRow(KafkaProducer<byte[], byte[]> producer, String rows) throws Exception {
    producer.send(new ProducerRecord<>(rows, 0, null, barrier(Long.MAX_VALUE)));
    send(producer, rows, 1, encode(testT(1, 1)));
    send(producer, rows, 1, encode(row(1, 1, 5, 10, io.kcdc.avro.RowOp.INSERT, 1, values(1L, "x".repeat(5000), 1L),
        null)));
    send(producer, rows, 1, resolved(1, 20));
    producer.flush();
  }

  private static void setMaxMessageBytes(String topic, int bytes) throws Exception {
    try (Admin admin = Admin.create(SINK.get().adminConfig(Map.of()))) {
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
          new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes)),
              AlterConfigOp.OpType.SET)))).all().get();
    }
  }

  private static ChangefeedStreams.Config config(String cf, SinkUri uri) {
    return ChangefeedStreams.Config.of(APP.get().bootstrapServers(), "default", cf, dir.resolve(cf), uri, SinkConfig.empty())
        .withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));
  }

  private static void awaitCheckpoints(PartitionReader progress, Map<Long, Long> seen, Map<Long, Long> want) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (ConsumerRecord<byte[], byte[]> r : progress.poll(Duration.ofMillis(200))) {
        TableProgress p = PROGRESS.decode(r.value());
        seen.merge(p.getTableId(), p.getCheckpointTs(), Math::max);
      }
      return want.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), 0L) >= e.getValue());
    });
  }

  /** Reads until {@code out} holds {@code want} records and the reader is idle. */
  private static void drain(PartitionReader reader, List<ConsumerRecord<byte[], byte[]>> out, int want) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      out.addAll(reader.drain());
      return out.size() >= want;
    });
  }

  /** table:id per table in the order read (each table is in one partition). */
  private static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> json(r.value()))
        .map(m -> m.get("table").asText() + ":" + m.get("data").get(0).get("id").asText())
        .sorted((a, b) -> a.substring(0, 1).compareTo(b.substring(0, 1))) // stable: keeps the order within a table
        .toList();
  }

  private static JsonNode json(byte[] v) {
    try {
      return JSON.readTree(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, long table, byte[] value) {
    p.send(new ProducerRecord<>(topic, tableKey(table), value));
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, APP.get().bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
