package io.kcdc.streams.sink;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Key of a record on its way to the Streams sink node: the routed topic and partition travel with the encoded
 * Kafka key, so the dynamic-topic sink ({@link #TOPIC}) and its partitioner ({@link #PARTITIONER}) just read them.
 */
public record SinkRecordKey(String topic, int partition, byte[] key) {

  /** Serialises to the encoded key; null stays null. */
  public static final Serializer<SinkRecordKey> SERIALIZER = (topic, k) -> k == null ? null : k.key();

  public static final TopicNameExtractor<SinkRecordKey, byte[]> TOPIC =
      (SinkRecordKey k, byte[] v, RecordContext ctx) -> k.topic();

  public static final StreamPartitioner<SinkRecordKey, byte[]> PARTITIONER = new StreamPartitioner<>() {
    @Override
    public Optional<Set<Integer>> partitions(String topic, SinkRecordKey k, byte[] v, int numPartitions) {
      return Optional.of(Set.of(k.partition()));
    }
  };
}
