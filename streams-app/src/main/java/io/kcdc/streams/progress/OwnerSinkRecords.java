package io.kcdc.streams.progress;

import io.kcdc.avro.Ddl;
import io.kcdc.streams.codec.EncodedMessage;
import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.TopicManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records the owner writes to a Kafka sink, built but not sent: the encoder's checkpoint message
 * (canal-json {@code TIDB_WATERMARK} with the TiDB extension, open-protocol resolved events, nothing for avro
 * without watermarks) to every partition of the given topics and the default topic (TiCDC's
 * {@code WriteCheckpointTs}), and DDL messages to partition 0 (canal-json) or every partition of the DDL's topic
 * (other protocols; TiCDC's {@code WriteDDLEvent}). When {@code partition-num} is set, only the first N partitions
 * are used; a missing topic is created first (TiCDC's DDL sink asks for the partition count, which creates it).
 */
public final class OwnerSinkRecords implements AutoCloseable {
  private final KafkaSinkOptions options;
  private final RowEventEncoder encoder;
  private final TopicManager topics;

  /** @param adminProperties how to reach the sink's brokers for topic metadata */
  public OwnerSinkRecords(KafkaSinkOptions options, Map<String, Object> adminProperties) {
    this.options = options;
    this.encoder = options.newEncoder(Clock.systemUTC());
    this.topics = new TopicManager(options, adminProperties);
  }

  /** The checkpoint {@code ts} for every used partition of {@code topics} and the default topic; none for protocols without one. */
  public List<ProducerRecord<byte[], byte[]>> checkpoint(long ts, Collection<String> tableTopics) {
    Optional<EncodedMessage> message = encoder.encodeCheckpoint(ts);
    if (message.isEmpty()) {
      return List.of();
    }
    LinkedHashSet<String> all = new LinkedHashSet<>(tableTopics);
    all.add(options.defaultTopic());
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (String topic : all) {
      for (int p = 0; p < topics.partitionCount(topic); p++) {
        out.add(new ProducerRecord<>(topic, p, message.get().key(), message.get().value()));
      }
    }
    return out;
  }

  /** A finished DDL for its topic (the router's DDL topic); none when the protocol sends no DDLs. */
  public List<ProducerRecord<byte[], byte[]>> ddl(Ddl ddl, EventRouter router) {
    Optional<EncodedMessage> message = encoder.encodeDdl(ddl);
    if (message.isEmpty()) {
      return List.of();
    }
    String topic = router.ddlTopic(ddl.getSchemaName(), ddl.getTableName());
    int n = ddlPartitions(encoder.broadcastDdl(), topics.partitionCount(topic));
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      out.add(new ProducerRecord<>(topic, p, message.get().key(), message.get().value()));
    }
    return out;
  }

  /** How many partitions (from 0) a DDL goes to: all when broadcast, else only partition 0. */
  public static int ddlPartitions(boolean broadcast, int partitions) {
    return broadcast ? partitions : Math.min(1, partitions);
  }

  @Override
  public void close() {
    topics.close();
  }
}
