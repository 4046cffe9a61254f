package io.kcdc.streams.progress;

import io.kcdc.streams.codec.EncodedMessage;
import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.sink.KafkaSinkOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the encoder's checkpoint message (canal-json {@code TIDB_WATERMARK} with the TiDB extension; nothing
 * otherwise) to every partition of the given topics and the default topic, with an idempotent producer, and waits
 * for the acks (TiCDC's {@code WriteCheckpointTs}). The owner calls it once every row with commit ts {@code <= ts}
 * is known to be in the sink. When {@code partition-num} is set, only the first N partitions are used.
 */
public final class CheckpointEmitter implements AutoCloseable {
  private static final long ACK_TIMEOUT_SECONDS = 60;
  private final KafkaSinkOptions options;
  private final RowEventEncoder encoder;
  private final KafkaProducer<byte[], byte[]> producer;

  public CheckpointEmitter(KafkaSinkOptions options, Map<String, Object> producerOverrides) {
    this.options = options;
    this.encoder = options.newEncoder(Clock.systemUTC());
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(options.encoder().maxMessageBytes(), 1 << 20));
    props.putAll(producerOverrides);
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
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
      int partitions = producer.partitionsFor(topic).size();
      int n = Math.min(partitions, options.partitionNum().orElse(partitions));
      for (int p = 0; p < n; p++) {
        acks.add(producer.send(new ProducerRecord<>(topic, p, message.get().key(), message.get().value())));
      }
    }
    producer.flush();
    try {
      for (Future<RecordMetadata> ack : acks) {
        ack.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing checkpoint " + ts, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write checkpoint " + ts + " to " + all, e);
    }
    return acks.size();
  }

  @Override
  public void close() {
    producer.close();
  }
}
