package io.kcdc.streams;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The avro protocol against a real Confluent-compatible registry (Apicurio Registry's ccompat API) and a real KRaft
 * broker: the changefeed registers {@code <topic>-key}/{@code -value}; an independent consumer decodes every record
 * with Apache Avro and the schema the registry serves for the id in the 5-byte header; deletes are tombstones; a new
 * table version registers a new subject version; a BACKWARD-incompatible one fails the changefeed.
 */
class AvroSchemaRegistryIT {
  private static final String TOPIC = "cdc-avro";
  private static Kafka kafka;
  private static ApicurioRegistry registry;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    registry = ApicurioRegistry.launch(dir.resolve("apicurio"));
    kafka = Kafka.startTemporary(); // while the registry starts
    registry.awaitReady(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** {@link Fixtures#testT} plus a nullable {@code note varchar}: a BACKWARD-compatible change (default null). */
  private static TableSchema withNote(long version) {
    List<ColumnDef> cols = new ArrayList<>(testT(1, version).getColumns());
    cols.add(column(4, "note", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0));
    return TableSchema.newBuilder(testT(1, version)).setColumns(cols).build();
  }

  /** Adds {@code c bigint not null} without a default: old records cannot be read with it (not BACKWARD). */
  private static TableSchema withRequiredColumn(long version) {
    List<ColumnDef> cols = new ArrayList<>(withNote(version).getColumns());
    cols.add(column(5, "c", MysqlType.TYPE_LONGLONG, 0, MysqlFlag.NOT_NULL));
    return TableSchema.newBuilder(testT(1, version)).setColumns(cols).build();
  }

  @Test
  void registersDecodesEvolvesAndRejectsIncompatibleSchemas() throws Exception {
    String cf = "cf-apicurio";
    kafka.createTopic("_cdc." + cf + ".rows", 1);
    SinkUri uri = SinkUri.parse("kafka://" + kafka.bootstrapServers() + "/" + TOPIC + "?protocol=avro&partition-num=1"
        + "&enable-tidb-extension=true&schema-registry=" + registry.ccompatUrl());
    ChangefeedStreams.Config config = ChangefeedStreams.Config.of(kafka.bootstrapServers(), "default", cf,
        dir.resolve("state"), uri, SinkConfig.empty()).withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));
    String rows = config.internalTopic();
    try (ChangefeedStreams app = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = producer();
        PartitionReader sink = PartitionReader.open(kafka.bootstrapServers(), TOPIC, 0)) {
      app.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
      AvroReader reader = new AvroReader(registry);

      producer.send(new ProducerRecord<>(rows, 0, null, barrier(Long.MAX_VALUE))); // the owner's DDL barrier, open
      // version 1: two inserts and a delete
      send(producer, rows, encode(testT(1, 1)));
      send(producer, rows, encode(insert(1, 5, 10, 1)));
      send(producer, rows, encode(insert(1, 15, 20, 2)));
      send(producer, rows, encode(row(1, 1, 25, 30, RowOp.DELETE, 1, null, values(1L, "name-1", 1L))));
      send(producer, rows, resolved(1, 30));
      producer.flush();
      List<ConsumerRecord<byte[], byte[]>> out = awaitRecords(sink, 3);
      GenericRecord first = reader.read(out.get(0).value());
      assertThat(first.get("id")).isEqualTo(1L);
      assertThat(first.get("name").toString()).isEqualTo("name-1");
      assertThat(first.get("u")).isEqualTo(1L);
      assertThat(first.get("_tidb_op").toString()).isEqualTo("c");
      assertThat(first.get("_tidb_commit_ts")).isEqualTo(10L);
      assertThat(reader.read(out.get(1).value()).get("id")).isEqualTo(2L);
      assertThat(reader.read(out.get(1).value()).get("_tidb_commit_ts")).isEqualTo(20L);
      assertThat(out).extracting(r -> reader.read(r.key()).get("id")).containsExactly(1L, 2L, 1L);
      assertThat(out.get(2).value()).isNull(); // the delete's tombstone
      assertThat(registry.subjects()).containsExactlyInAnyOrder(TOPIC + "-key", TOPIC + "-value");
      assertThat(registry.versions(TOPIC + "-value")).hasSize(1);

      // version 2 adds a nullable column: a new value schema version, the key schema is unchanged
      send(producer, rows, encode(withNote(2)));
      send(producer, rows, encode(row(1, 2, 35, 40, RowOp.INSERT, 3, values(3L, "name-3", 3L, "hello"), null)));
      send(producer, rows, resolved(1, 40));
      producer.flush();
      List<ConsumerRecord<byte[], byte[]>> evolved = awaitRecords(sink, 1);
      GenericRecord third = reader.read(evolved.get(0).value());
      assertThat(third.get("id")).isEqualTo(3L);
      assertThat(third.get("note").toString()).isEqualTo("hello");
      assertThat(third.getSchema().getField("note").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
      assertThat(header(evolved.get(0).value())).isNotEqualTo(header(out.get(0).value()));
      assertThat(header(evolved.get(0).key())).isEqualTo(header(out.get(0).key()));
      assertThat(registry.versions(TOPIC + "-value")).hasSize(2);
      assertThat(registry.versions(TOPIC + "-key")).hasSize(1);
      assertThat(app.error()).isEmpty();

      // version 3 adds a required column; under BACKWARD the registry refuses it and the changefeed fails
      registry.setCompatibility(TOPIC + "-value", "BACKWARD");
      send(producer, rows, encode(withRequiredColumn(3)));
      send(producer, rows, encode(row(1, 3, 45, 50, RowOp.INSERT, 4, values(4L, "name-4", 4L, null, 7L), null)));
      send(producer, rows, resolved(1, 50));
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> app.error().isPresent());
      assertThat(rootCause(app.error().get()))
          .hasMessageStartingWith("[CDC:ErrAvroSchemaAPIError]")
          .hasMessageContaining("subject " + TOPIC + "-value")
          .hasMessageContaining("incompatible");
      await().atMost(Duration.ofSeconds(30)).until(() -> app.state() == KafkaStreams.State.ERROR);
      assertThat(registry.versions(TOPIC + "-value")).hasSize(2);
      assertThat(sink.drain()).isEmpty();
    }
  }

  /** An Apache Avro reader of Confluent envelopes that takes writer schemas from the registry by id. */
  private static final class AvroReader {
    private final ApicurioRegistry registry;
    private final Map<Integer, Schema> schemas = new HashMap<>();

    AvroReader(ApicurioRegistry registry) {
      this.registry = registry;
    }

    GenericRecord read(byte[] envelope) {
      try {
        assertThat(envelope[0]).isEqualTo((byte) 0);
        int id = header(envelope);
        Schema schema = schemas.get(id);
        if (schema == null) {
          schema = new Schema.Parser().parse(registry.schemaById(id));
          schemas.put(id, schema);
        }
        return new GenericDatumReader<GenericRecord>(schema).read(null,
            DecoderFactory.get().binaryDecoder(envelope, 5, envelope.length - 5, null));
      } catch (IOException e) {
        throw new AssertionError(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static int header(byte[] envelope) {
    return ByteBuffer.wrap(envelope, 1, 4).getInt();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(PartitionReader sink, int n) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      out.addAll(sink.drain());
      return out.size() >= n;
    });
    assertThat(out).hasSize(n);
    return out;
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, byte[] value) {
    p.send(new ProducerRecord<>(topic, tableKey(1), value));
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
