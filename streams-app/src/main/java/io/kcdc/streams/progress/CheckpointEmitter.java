package io.kcdc.streams.progress;

import io.kcdc.avro.Ddl;
import io.kcdc.streams.codec.EncodedMessage;
import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.sink.Acks;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.TopicManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the owner's synchronous sink records with the sink's producer settings
 * ({@link io.kcdc.streams.sink.KafkaClientOptions}: TLS, SASL, acks — idempotent with the default {@code acks=all})
 * and waits for the acks: the encoder's checkpoint message (canal-json {@code TIDB_WATERMARK} with the TiDB
 * extension, open-protocol resolved events, nothing for avro without watermarks) to every partition of the given
 * topics and the default topic (TiCDC's {@code WriteCheckpointTs}), and DDL messages to partition 0 (canal-json) or
 * every partition of the DDL's topic (other protocols; TiCDC's {@code WriteDDLEvent}). The owner calls them once
 * every row with a smaller commit ts is in the sink. When {@code partition-num} is set, only the first N partitions
 * are used. The sink's security options apply here even when the sink is the Streams app's own cluster.
 */
public final class CheckpointEmitter implements AutoCloseable {
  private final KafkaSinkOptions options;
  private final RowEventEncoder encoder;
  private final KafkaProducer<byte[], byte[]> producer;
  /** Creates a missing topic first (TiCDC's DDL sink asks for the partition count, which creates it). */
  private final TopicManager topics;

  /** An emitter whose producer has {@code kafka-client-id} as its client id, if set, else Kafka's own. */
  public CheckpointEmitter(KafkaSinkOptions options, Map<String, Object> producerOverrides) {
    this(options, options.client().kafkaClientId(), producerOverrides);
  }

  /**
   * An emitter whose producer has the sink's client settings (TLS, SASL, acks, retries, compression, timeouts).
   *
   * @param clientId the {@code client.id}, normally {@code options.client().clientId(captureAddress, namespace,
   *     changefeed)}; null for Kafka's own
   * @param producerOverrides applied last
   */
  public CheckpointEmitter(KafkaSinkOptions options, String clientId, Map<String, Object> producerOverrides) {
    this.options = options;
    this.encoder = options.newEncoder(Clock.systemUTC());
    Map<String, Object> props = new HashMap<>(options.producerProperties(clientId));
    props.putAll(producerOverrides);
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    this.topics = new TopicManager(options, options.client().adminProperties(clientId));
  }

  /**
   * Broadcasts the checkpoint {@code ts}.
   *
   * @return the number of records written (0 when the protocol has no checkpoint message)
   */
  public int emit(long ts, Collection<String> topics) {
    Optional<EncodedMessage> message = encoder.encodeCheckpoint(ts);
    if (message.isEmpty()) {
      return 0;
    }
    LinkedHashSet<String> all = new LinkedHashSet<>(topics);
    all.add(options.defaultTopic());
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (String topic : all) {
      for (int p = 0; p < partitionsUsed(topic); p++) {
        acks.add(producer.send(new ProducerRecord<>(topic, p, message.get().key(), message.get().value())));
      }
    }
    await(acks, "checkpoint " + ts + " to " + all);
    return acks.size();
  }

  /**
   * Writes a finished DDL to its topic (the router's DDL topic): partition 0 for canal-json, every partition for
   * the other protocols.
   *
   * @return the number of records written (0 when the protocol sends no DDLs)
   */
  public int emitDdl(Ddl ddl, EventRouter router) {
    Optional<EncodedMessage> message = encoder.encodeDdl(ddl);
    if (message.isEmpty()) {
      return 0;
    }
    String topic = router.ddlTopic(ddl.getSchemaName(), ddl.getTableName());
    int n = ddlPartitions(encoder.broadcastDdl(), partitionsUsed(topic));
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      acks.add(producer.send(new ProducerRecord<>(topic, p, message.get().key(), message.get().value())));
    }
    await(acks, "DDL " + ddl.getQuery() + " to " + topic);
    return acks.size();
  }

  /** How many partitions (from 0) a DDL goes to: all when broadcast, else only partition 0. */
  public static int ddlPartitions(boolean broadcast, int partitions) {
    return broadcast ? partitions : Math.min(1, partitions);
  }

  /** The partitions of the topic in use (the first {@code partition-num}); creates a missing topic. */
  private int partitionsUsed(String topic) {
    return topics.partitionCount(topic);
  }

  private void await(List<Future<RecordMetadata>> acks, String what) {
    Acks.await(producer, acks, what);
  }


  @Override
  public void close() {
    topics.close();
    producer.close();
  }
}
