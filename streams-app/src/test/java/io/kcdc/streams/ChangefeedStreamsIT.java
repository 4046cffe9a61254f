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
import io.kcdc.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The changefeed's Streams app against a real KRaft broker: internal-topic records of two tables (out of commit
 * order, duplicated, re-sent after release) come out of a 3-partition canal-json topic in commit order per table,
 * never before their resolved ts, exactly once for a read_committed consumer, with progress records; then the
 * checkpoint emitter's watermark lands in every partition.
 */
class ChangefeedStreamsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);
  private static final String SINK_TOPIC = "cdc-out";
  @RegisterExtension static final ServerExtension<Kafka> KAFKA = ServerExtension.kafka();

  @TempDir static Path dir;

  private static String bootstrap() {
    return KAFKA.get().bootstrapServers();
  }

  @Test
  void sortsRoutesAndEncodesRowsExactlyOnce() throws Exception {
    String cf = "cf-it";
    KAFKA.get().createTopic("_cdc." + cf + ".rows", 2);
    SinkUri uri = SinkUri.parse("kafka://" + bootstrap() + "/" + SINK_TOPIC
        + "?protocol=canal-json&partition-num=3&replication-factor=1&enable-tidb-extension=true");
    ChangefeedStreams.Config config = ChangefeedStreams.Config.of(bootstrap(), "default", cf, dir.resolve("state"), uri,
        SinkConfig.empty()).withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));

    try (ChangefeedStreams app = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer();
        PartitionReader sink = PartitionReader.open(bootstrap(), SINK_TOPIC, 0, 1, 2);
        PartitionReader progress = PartitionReader.open(bootstrap(), config.progressTopic(), 0)) {
      app.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
      String rows = config.internalTopic();
      openBarrier(producer, rows, 2);

      // two tables, rows out of commit order within a table, a duplicate, and resolved marks
      send(producer, rows, 1, encode(testT(1, 1)));
      send(producer, rows, 2, encode(named(testT(2, 1), 2, "test", "u")));
      send(producer, rows, 1, encode(insert(1, 15, 20, 11)));
      send(producer, rows, 2, encode(insert(2, 20, 25, 201)));
      send(producer, rows, 1, encode(insert(1, 5, 10, 12)));
      send(producer, rows, 2, encode(insert(2, 10, 15, 200)));
      send(producer, rows, 1, encode(insert(1, 15, 20, 11)));
      send(producer, rows, 1, encode(insert(1, 25, 30, 13)));
      send(producer, rows, 1, resolved(1, 20));
      send(producer, rows, 2, resolved(2, 15));
      producer.flush();

      Map<Long, Long> checkpoints = new HashMap<>();
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      awaitCheckpoints(progress, checkpoints, Map.of(1L, 20L, 2L, 15L));
      out.addAll(sink.drain()); // rows of a seen progress record were committed in the same transaction
      assertThat(rowIds(out)).containsExactly("t:12", "u:200", "t:11");

      // rows re-sent after a (simulated) connector restart, then the rest is resolved
      send(producer, rows, 1, encode(insert(1, 5, 10, 12)));
      send(producer, rows, 2, encode(insert(2, 10, 15, 200)));
      send(producer, rows, 1, resolved(1, 40));
      send(producer, rows, 2, resolved(2, 40));
      producer.flush();
      awaitCheckpoints(progress, checkpoints, Map.of(1L, 40L, 2L, 40L));
      out.addAll(sink.drain());
      assertThat(rowIds(out)).containsExactly("t:12", "u:200", "t:11", "u:201", "t:13");

      // all rows of a table in the TiCDC table-dispatcher partition: crc32("testt") % 3 = 1, crc32("testu") % 3 = 0
      for (ConsumerRecord<byte[], byte[]> r : out) {
        JsonNode m = json(r.value());
        assertThat(r.key()).isNull();
        assertThat(r.partition()).isEqualTo(m.get("table").asText().equals("t") ? 1 : 0);
        assertThat(m.get("es").asLong()).isEqualTo(m.get("_tidb").get("commitTs").asLong() >>> 18);
      }
      List<Long> tCommits = out.stream().map(r -> json(r.value())).filter(m -> m.get("table").asText().equals("t"))
          .map(m -> m.get("_tidb").get("commitTs").asLong()).toList();
      assertThat(tCommits).containsExactly(10L, 20L, 30L);

      // the owner's checkpoint broadcast: a WATERMARK in every partition
      KafkaSinkOptions options = config.kafkaSink().orElseThrow();
      try (CheckpointEmitter emitter = new CheckpointEmitter(options, Map.of())) {
        assertThat(emitter.emit(40, List.of(SINK_TOPIC))).isEqualTo(3);
      }
      List<ConsumerRecord<byte[], byte[]>> after = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        after.addAll(sink.drain());
        return after.size() >= 3;
      });
      assertThat(after).extracting(ConsumerRecord::partition).containsExactlyInAnyOrder(0, 1, 2);
      for (ConsumerRecord<byte[], byte[]> r : after) {
        JsonNode m = json(r.value());
        assertThat(m.get("type").asText()).isEqualTo("TIDB_WATERMARK");
        assertThat(m.get("_tidb").get("watermarkTs").asLong()).isEqualTo(40);
      }
      assertThat(app.error()).isEmpty();
    }
  }

  /** Open protocol: rows batched into one record per partition, resolved events and DDLs to every partition. */
  @Test
  void openProtocolEndToEnd() throws Exception {
    String cf = "cf-open";
    String topic = "cdc-open";
    KAFKA.get().createTopic("_cdc." + cf + ".rows", 1);
    SinkUri uri = SinkUri.parse("kafka://" + bootstrap() + "/" + topic + "?protocol=open-protocol&partition-num=3");
    ChangefeedStreams.Config config = ChangefeedStreams.Config.of(bootstrap(), "default", cf, dir.resolve("open"), uri,
        SinkConfig.empty()).withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));
    try (ChangefeedStreams app = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer();
        PartitionReader sink = PartitionReader.open(bootstrap(), topic, 0, 1, 2)) {
      app.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
      openBarrier(producer, config.internalTopic(), 1);
      send(producer, config.internalTopic(), 1, encode(testT(1, 1)));
      send(producer, config.internalTopic(), 1, encode(insert(1, 5, 10, 1)));
      send(producer, config.internalTopic(), 1, encode(insert(1, 5, 10, 2)));
      send(producer, config.internalTopic(), 1, encode(insert(1, 15, 20, 3)));
      send(producer, config.internalTopic(), 1, resolved(1, 20));
      producer.flush();
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        out.addAll(sink.drain());
        return !out.isEmpty();
      });
      assertThat(out).hasSize(1); // three rows of one partition, one batch
      ConsumerRecord<byte[], byte[]> batch = out.get(0);
      assertThat(batch.partition()).isEqualTo(1); // crc32("testt") % 3
      java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(batch.key());
      assertThat(key.getLong()).isEqualTo(1L);
      List<Long> commitTs = new ArrayList<>();
      while (key.hasRemaining()) {
        byte[] k = new byte[(int) key.getLong()];
        key.get(k);
        commitTs.add(JSON.readTree(k).get("ts").asLong());
      }
      assertThat(commitTs).containsExactly(10L, 10L, 20L);

      KafkaSinkOptions options = config.kafkaSink().orElseThrow();
      try (CheckpointEmitter emitter = new CheckpointEmitter(options, Map.of())) {
        assertThat(emitter.emit(20, List.of(topic))).isEqualTo(3);
        assertThat(emitter.emitDdl(new io.kcdc.avro.Ddl(1L, 21L, 22L, 3, "test", "t", "create table t(id int)"),
            io.kcdc.streams.dispatcher.EventRouter.of(options))).isEqualTo(3);
      }
      List<ConsumerRecord<byte[], byte[]>> after = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        after.addAll(sink.drain());
        return after.size() >= 6;
      });
      for (ConsumerRecord<byte[], byte[]> r : after) {
        byte[] k = java.util.Arrays.copyOfRange(r.key(), 16, r.key().length);
        int type = JSON.readTree(k).get("t").asInt();
        assertThat(type).isIn(2, 3);
      }
      assertThat(after).extracting(ConsumerRecord::partition).containsExactlyInAnyOrder(0, 1, 2, 0, 1, 2);
      assertThat(app.error()).isEmpty();
    }
  }

  /**
   * The DDL barrier in the internal topic's state: rows above it stay in the sorter across a restart over the same
   * state dir and across a restart that restores the state from the changelog.
   */
  @Test
  void barrierSurvivesRestarts() throws Exception {
    String cf = "cf-barrier";
    String topic = "cdc-barrier";
    KAFKA.get().createTopic("_cdc." + cf + ".rows", 1);
    SinkUri uri = SinkUri.parse("kafka://" + bootstrap() + "/" + topic
        + "?protocol=canal-json&partition-num=1&enable-tidb-extension=true");
    ChangefeedStreams.Config config = ChangefeedStreams.Config.of(bootstrap(), "default", cf, dir.resolve("barrier"),
        uri, SinkConfig.empty()).withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));
    String rows = config.internalTopic();
    Map<Long, TableProgress> progressSeen = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer();
        PartitionReader sink = PartitionReader.open(bootstrap(), topic, 0);
        PartitionReader progress = PartitionReader.open(bootstrap(), config.progressTopic(), 0)) {
      try (ChangefeedStreams app = startApp(config)) {
        producer.send(new ProducerRecord<>(rows, 0, null, barrier(20)));
        send(producer, rows, 1, encode(testT(1, 1)));
        send(producer, rows, 2, encode(named(testT(2, 1), 2, "test", "u")));
        send(producer, rows, 3, encode(named(testT(3, 1), 3, "test", "v")));
        send(producer, rows, 1, encode(insert(1, 5, 10, 110)));
        send(producer, rows, 1, encode(insert(1, 25, 30, 130)));
        send(producer, rows, 2, encode(insert(2, 12, 15, 215)));
        send(producer, rows, 2, encode(insert(2, 28, 30, 230)));
        send(producer, rows, 3, encode(insert(3, 15, 18, 318)));
        send(producer, rows, 3, encode(insert(3, 29, 30, 330)));
        send(producer, rows, 1, resolved(1, 40));
        producer.flush();
        awaitProgress(progress, progressSeen, 1, 40, 20);
        out.addAll(sink.drain());
        assertThat(rowIds(out)).containsExactly("t:110");
        assertThat(app.error()).isEmpty();
      }

      // same state dir: the barrier (20) is read back from the local store
      try (ChangefeedStreams app = startApp(config)) {
        send(producer, rows, 2, resolved(2, 40));
        producer.flush();
        awaitProgress(progress, progressSeen, 2, 40, 20);
        out.addAll(sink.drain());
        assertThat(rowIds(out)).containsExactly("t:110", "u:215");
        assertThat(app.error()).isEmpty();
      }

      // no local state at all: the barrier comes back from the changelog
      TempDirs.delete(config.stateDir());
      try (ChangefeedStreams app = startApp(config)) {
        send(producer, rows, 3, resolved(3, 40));
        producer.flush();
        awaitProgress(progress, progressSeen, 3, 40, 20);
        out.addAll(sink.drain());
        assertThat(rowIds(out)).containsExactly("t:110", "u:215", "v:318");

        producer.send(new ProducerRecord<>(rows, 0, null, barrier(35)));
        producer.flush();
        for (long table = 1; table <= 3; table++) {
          awaitProgress(progress, progressSeen, table, 40, 35);
        }
        out.addAll(sink.drain());
        assertThat(rowIds(out).subList(3, 6)).containsExactlyInAnyOrder("t:130", "u:230", "v:330");
        assertThat(app.error()).isEmpty();
      }
    }
  }

  private static ChangefeedStreams startApp(ChangefeedStreams.Config config) {
    ChangefeedStreams app = new ChangefeedStreams(config);
    app.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
    return app;
  }

  /** Waits until the table's latest progress record is exactly (resolvedTs, checkpointTs). */
  private static void awaitProgress(PartitionReader progress, Map<Long, TableProgress> seen, long table,
      long resolvedTs, long checkpointTs) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (ConsumerRecord<byte[], byte[]> r : progress.poll(Duration.ofMillis(200))) {
        TableProgress p = PROGRESS.decode(r.value());
        seen.put(p.getTableId(), p);
      }
      TableProgress p = seen.get(table);
      return p != null && p.getResolvedTs() == resolvedTs && p.getCheckpointTs() == checkpointTs;
    });
  }

  /** The owner's barrier: far ahead, so only resolved ts hold rows back. */
  private static void openBarrier(KafkaProducer<byte[], byte[]> p, String topic, int partitions) {
    for (int i = 0; i < partitions; i++) {
      p.send(new ProducerRecord<>(topic, i, null, barrier(Long.MAX_VALUE)));
    }
  }

  private static void awaitCheckpoints(PartitionReader progress, Map<Long, Long> seen, Map<Long, Long> want) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (ConsumerRecord<byte[], byte[]> r : progress.poll(Duration.ofMillis(200))) {
        TableProgress p = PROGRESS.decode(r.value());
        assertThat(r.key()).isEqualTo(tableKey(p.getTableId()));
        seen.merge(p.getTableId(), p.getCheckpointTs(), Math::max);
      }
      return want.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), 0L) >= e.getValue());
    });
  }

  private static List<String> rowIds(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> json(r.value()))
        .sorted((a, b) -> Long.compare(a.get("_tidb").get("commitTs").asLong(), b.get("_tidb").get("commitTs").asLong()))
        .map(m -> m.get("table").asText() + ":" + m.get("data").get(0).get("id").asText()).toList();
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
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
