package io.kcdc.streams.progress;

import io.kcdc.avro.Ddl;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.sink.Acks;
import io.kcdc.streams.sink.KafkaSinkOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the owner's synchronous sink records ({@link OwnerSinkRecords}) with the sink's producer settings
 * ({@link io.kcdc.streams.sink.KafkaClientOptions}: TLS, SASL, acks — idempotent with the default {@code acks=all})
 * and waits for the acks. The owner calls it once every row with a smaller commit ts is in the sink. This is the
 * at-least-once path for a sink on another Kafka cluster; on the capture's own cluster the owner writes the same
 * records in its fenced transactions instead.
 */
public final class CheckpointEmitter implements AutoCloseable {
  private final OwnerSinkRecords records;
  private final KafkaProducer<byte[], byte[]> producer;

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
    Map<String, Object> props = new HashMap<>(options.producerProperties(clientId));
    props.putAll(producerOverrides);
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    this.records = new OwnerSinkRecords(options, options.client().adminProperties(clientId));
  }

  /**
   * Broadcasts the checkpoint {@code ts}.
   *
   * @return the number of records written (0 when the protocol has no checkpoint message)
   */
  public int emit(long ts, Collection<String> topics) {
    return send(records.checkpoint(ts, topics), "checkpoint " + ts);
  }

  /**
   * Writes a finished DDL to its topic (the router's DDL topic): partition 0 for canal-json, every partition for
   * the other protocols.
   *
   * @return the number of records written (0 when the protocol sends no DDLs)
   */
  public int emitDdl(Ddl ddl, EventRouter router) {
    return send(records.ddl(ddl, router), "DDL " + ddl.getQuery());
  }

  private int send(List<ProducerRecord<byte[], byte[]>> batch, String what) {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    batch.forEach(r -> acks.add(producer.send(r)));
    Acks.await(producer, acks, what);
    return acks.size();
  }

  @Override
  public void close() {
    records.close();
    producer.close();
  }
}
