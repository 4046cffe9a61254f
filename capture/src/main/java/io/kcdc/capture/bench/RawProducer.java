package io.kcdc.capture.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The physical limit a changefeed is measured against: one plain Kafka producer writing the same encoded messages
 * (same keys, values and partitions) to a new topic on the same broker, acks=all and idempotent as the sink's
 * producer, with large batches.
 */
final class RawProducer {
  private RawProducer() {}

  /** Writes the records and returns the records per second until all were acknowledged. */
  static double write(String bootstrap, String topic, int partitions, List<ConsumerRecord<byte[], byte[]>> records)
      throws ExecutionException, InterruptedException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.partitionsFor(topic); // metadata before the clock starts
      long start = System.nanoTime();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value()));
      }
      producer.flush();
      return records.size() / ((System.nanoTime() - start) / 1e9);
    }
  }
}
