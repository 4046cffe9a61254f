package io.kcdc.capture.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A {@code read_committed} consumer of a canal-json sink topic (with {@code enable-tidb-extension}), as a user of the
 * sink reads it: counts the row events, measures each one's latency from its commit ts to its arrival here, and can
 * keep the records for the raw-producer baseline.
 */
final class SinkReader implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was read. */
  record Result(int rows, long firstRowAtMs, long lastRowAtMs, long[] latenciesMs, List<ConsumerRecord<byte[], byte[]>> kept,
      int distinctIds, int repeatedIds) {
    long percentile(double p) {
      return percentile(latenciesMs, p);
    }

    /** The same without the first {@code n} arrivals (a warm-up). */
    Result after(int n) {
      int skip = Math.min(n, latenciesMs.length);
      return withLatencies(Arrays.copyOfRange(latenciesMs, skip, latenciesMs.length));
    }

    /** Only the first {@code n} arrivals. */
    Result before(int n) {
      return withLatencies(Arrays.copyOf(latenciesMs, Math.min(n, latenciesMs.length)));
    }

    private Result withLatencies(long[] latencies) {
      return new Result(rows, firstRowAtMs, lastRowAtMs, latencies, kept, distinctIds, repeatedIds);
    }

    /** The latencies of the {@code i}-th of {@code n} equal slices, in arrival order (where a tail sits in time). */
    long percentile(int i, int n, double p) {
      int from = (int) ((long) latenciesMs.length * i / n);
      int to = (int) ((long) latenciesMs.length * (i + 1) / n);
      return percentile(Arrays.copyOfRange(latenciesMs, from, to), p);
    }

    private static long percentile(long[] latencies, double p) {
      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }
  }

  private final KafkaConsumer<byte[], byte[]> consumer;

  SinkReader(String bootstrap, String topic, int partitions) {
    consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
  }

  /**
   * Reads until {@code rows} row events arrived (or {@code timeout} passed).
   *
   * @param keep keep the records (key, value, partition) for a baseline
   * @param maxId ids are {@code 1..maxId}: count distinct and repeated ones (0: don't)
   */
  Result read(int rows, Duration timeout, boolean keep, int maxId) throws IOException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    long[] latencies = new long[rows];
    List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>(keep ? rows + rows / 10 : 0);
    BitSet seen = new BitSet(maxId + 1);
    int repeated = 0;
    int n = 0;
    long first = 0;
    long last = 0;
    while (n < rows && System.currentTimeMillis() < deadline) {
      var records = consumer.poll(Duration.ofMillis(100));
      long now = System.currentTimeMillis();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        JsonNode m = JSON.readTree(r.value());
        String type = m.path("type").asText();
        if (m.path("isDdl").asBoolean() || type.equals("TIDB_WATERMARK")) {
          continue;
        }
        if (keep) {
          kept.add(r);
        }
        for (JsonNode row : m.path("data")) {
          if (n == 0) {
            first = now;
          }
          last = now;
          if (n < rows) {
            latencies[n] = now - (m.path("_tidb").path("commitTs").asLong() >>> 18);
          }
          n++;
          if (maxId > 0) {
            int id = row.path("id").asInt();
            if (seen.get(id)) {
              repeated++;
            }
            seen.set(id);
          }
        }
      }
    }
    return new Result(n, first, last, Arrays.copyOf(latencies, Math.min(n, rows)), kept, seen.cardinality(), repeated);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
