package io.kcdc.streams;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.TableProgress;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.progress.CheckpointEmitter;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkConfig;
import io.kcdc.streams.sink.SinkUri;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka sink on another cluster: the app runs on cluster A (internal topic, progress, changelogs), the sink topic
 * lives on cluster B. Rows arrive on B in commit order per table, a progress record on A is only written once its
 * rows are on B, the owner's watermark goes to B, and a record B refuses fails the app instead of being dropped.
 */
class CrossClusterSinkIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);
  private static KafkaClusterTestKit app;
  private static KafkaClusterTestKit sink;

  @TempDir static Path dir;

  @BeforeAll
  static void startClusters() throws Exception {
    app = TestKafka.start();
    sink = TestKafka.start();
  }

  @AfterAll
  static void stopClusters() throws Exception {
    for (KafkaClusterTestKit c : new KafkaClusterTestKit[] {app, sink}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void rowsArriveOnTheOtherClusterBeforeTheirProgress() throws Exception {
    String cf = "cf-far";
    String topic = "cdc-far";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("_cdc." + cf + ".rows", 2, (short) 1))).all().get();
    }
    SinkUri uri = SinkUri.parse("kafka://" + sink.bootstrapServers() + "/" + topic
        + "?protocol=canal-json&partition-num=3&replication-factor=1&enable-tidb-extension=true");
    ChangefeedStreams.Config config = config(cf, uri);
    String rows = config.internalTopic();
    List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
        new TopicPartition(topic, 2));
    try (ChangefeedStreams streams = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer();
        KafkaConsumer<byte[], byte[]> out = consumer(sink);
        KafkaConsumer<byte[], byte[]> progress = consumer(app)) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
      out.assign(parts);
      out.seekToBeginning(parts);
      TopicPartition progressPartition = new TopicPartition(config.progressTopic(), 0);
      progress.assign(List.of(progressPartition));
      progress.seekToBeginning(List.of(progressPartition));

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
      assertThat(out.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      drain(out, records, 3);
      assertThat(ids(records)).containsExactly("t:12", "t:11", "u:200");

      send(producer, rows, 1, resolved(1, 40));
      send(producer, rows, 2, resolved(2, 40));
      producer.flush();
      awaitCheckpoints(progress, checkpoints, Map.of(1L, 40L, 2L, 40L));
      assertThat(out.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5);
      drain(out, records, 5);
      assertThat(ids(records)).containsExactly("t:12", "t:11", "t:13", "u:200", "u:201");
      for (ConsumerRecord<byte[], byte[]> r : records) {
        JsonNode m = json(r.value());
        assertThat(r.key()).isNull();
        // TiCDC's table dispatcher: crc32("testt") % 3 = 1, crc32("testu") % 3 = 0
        assertThat(r.partition()).isEqualTo(m.get("table").asText().equals("t") ? 1 : 0);
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
      }

      // the owner's watermark goes to the sink's cluster as well
      KafkaSinkOptions options = config.kafkaSink().orElseThrow();
      try (CheckpointEmitter emitter = new CheckpointEmitter(options, Map.of())) {
        assertThat(emitter.emit(40, List.of(topic))).isEqualTo(3);
      }
      assertThat(out.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(8);
      assertThat(streams.error()).isEmpty();
    }
  }

  @Test
  void aRecordTheSinkClusterRefusesFailsTheApp() throws Exception {
    String cf = "cf-refused";
    String topic = "cdc-small";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("_cdc." + cf + ".rows", 1, (short) 1))).all().get();
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", sink.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
          .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1024")))).all().get();
    }
    ChangefeedStreams.Config config = config(cf, SinkUri.parse("kafka://" + sink.bootstrapServers() + "/" + topic
        + "?protocol=canal-json"));
    try (ChangefeedStreams streams = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer();
        KafkaConsumer<byte[], byte[]> progress = consumer(app)) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
      String rows = config.internalTopic();
      producer.send(new ProducerRecord<>(rows, 0, null, barrier(Long.MAX_VALUE)));
      send(producer, rows, 1, encode(testT(1, 1)));
      send(producer, rows, 1, encode(row(1, 1, 5, 10, io.kcdc.avro.RowOp.INSERT, 1, values(1L, "x".repeat(5000), 1L),
          null)));
      send(producer, rows, 1, resolved(1, 20));
      producer.flush();

      await().atMost(Duration.ofSeconds(60)).until(() -> streams.error().isPresent());
      assertThat(streams.error().get()).hasStackTraceContaining("CDC:ErrKafkaAsyncSendMessage")
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
      await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.ERROR);
      TopicPartition progressPartition = new TopicPartition(config.progressTopic(), 0);
      progress.assign(List.of(progressPartition));
      progress.seekToBeginning(List.of(progressPartition));
      List<ConsumerRecord<byte[], byte[]>> written = new ArrayList<>();
      drain(progress, written, 0);
      assertThat(written).isEmpty(); // the table's rows never reached the sink: no progress
    }
  }

  private static ChangefeedStreams.Config config(String cf, SinkUri uri) {
    return ChangefeedStreams.Config.of(app.bootstrapServers(), "default", cf, dir.resolve(cf), uri, SinkConfig.empty())
        .withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));
  }

  private static void awaitCheckpoints(KafkaConsumer<byte[], byte[]> progress, Map<Long, Long> seen, Map<Long, Long> want) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (ConsumerRecord<byte[], byte[]> r : progress.poll(Duration.ofMillis(200))) {
        TableProgress p = PROGRESS.decode(r.value());
        seen.merge(p.getTableId(), p.getCheckpointTs(), Math::max);
      }
      return want.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), 0L) >= e.getValue());
    });
  }

  /** Polls until {@code out} holds {@code want} records and the consumer is idle. */
  private static void drain(KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> out, int want) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int empty = 0;
    while ((out.size() < want || empty < 3) && System.nanoTime() < deadline) {
      var batch = consumer.poll(Duration.ofMillis(200));
      if (batch.isEmpty()) {
        empty++;
      }
      batch.forEach(out::add);
    }
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
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaClusterTestKit cluster) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
