package io.kcdc.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.tidb.RowEncoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import io.kcdc.upstream.sql.SqlSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A benchmark command, not a test: the whole pipeline in one JVM (embedded upstream → connector →
 * Streams → canal-json in Kafka, one capture) on this machine. Writes {@code rows} row inserts in
 * transactions of {@code batch} rows straight through the upstream's transactional KV (the SQL
 * front would be the bottleneck), reads the sink {@code read_committed} and prints the end-to-end
 * rate and the latency from a row's commit ts (physical part) to its arrival at the consumer.
 *
 * <p>Arguments {@code rows=100000 batch=500 tables=4 partitions=3 warmup=100000 rate=0} ({@code rate}: rows/s
 * to write at, 0 = as fast as possible; a rate below the pipeline's shows its latency without a backlog).
 */
public final class PipelineBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Map<String, Integer> a = new HashMap<>(Map.of("rows", 100_000, "batch", 500, "tables", 4, "partitions", 3,
        "warmup", 100_000, "rate", 0));
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], Integer.parseInt(kv[1]));
    }
    int rows = a.get("rows");
    int batch = a.get("batch");
    int tables = a.get("tables");
    int partitions = a.get("partitions");
    int warmup = a.get("warmup");
    int rate = a.get("rate");
    try (TestStack stack = TestStack.start("bench", 1, 4, 4)) {
      run(stack.api(), stack.upstream, stack.kafka.bootstrapServers(), rows, batch, tables, partitions, warmup, rate);
    }
  }

  private static void run(TestApi api, EmbeddedUpstream upstream, String bootstrap, int rows, int batch, int tables,
      int partitions, int warmup, int rate) throws Exception {
    SqlSession sql = upstream.openSession();
    sql.execute("CREATE DATABASE bench");
    for (int t = 0; t < tables; t++) {
      sql.execute("CREATE TABLE bench.t" + t + " (id BIGINT PRIMARY KEY, k INT NOT NULL, c VARCHAR(120), pad VARCHAR(60))");
    }
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    DBInfo db = Catalog.database(snap, "bench").orElseThrow();
    List<TableInfo> infos = new ArrayList<>();
    for (int t = 0; t < tables; t++) {
      infos.add(Catalog.table(snap, db.id(), "t" + t).orElseThrow());
    }
    api.post("/api/v2/changefeeds", """
        {"changefeed_id":"bench",
         "sink_uri":"kafka://%s/bench-sink?protocol=canal-json&enable-tidb-extension=true&partition-num=%d",
         "replica_config":{"filter":{"rules":["bench.*"]}}}""".formatted(bootstrap, partitions));
    Thread.sleep(5000); // let the connector and the streams app start
    try (PartitionReader sink = sinkReader(bootstrap, partitions)) {
      if (warmup > 0) {
        // A cold JVM spends a core on JIT compilation for the first minute; measure after that.
        System.out.printf("warm-up: %,d rows...%n", warmup);
        write(upstream, infos, 0, warmup, batch, 0);
        consume(sink, warmup);
      }
      System.out.printf("writing %,d rows in transactions of %d over %d tables%s...%n", rows, batch, tables,
          rate > 0 ? String.format(" at %,d rows/s", rate) : "");
      Thread monitor = stageMonitor(bootstrap);
      long start = System.nanoTime();
      // The writer runs beside the consumer, so a record's latency is measured when it arrives.
      double[] writeSeconds = new double[1];
      Thread writer = new Thread(() -> {
        try {
          write(upstream, infos, warmup, rows, batch, rate);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        writeSeconds[0] = (System.nanoTime() - start) / 1e9;
      }, "writer");
      writer.start();
      long[] latencies = consume(sink, rows);
      writer.join();
      double totalSeconds = (System.nanoTime() - start) / 1e9;
      monitor.interrupt();
      report(rows, writeSeconds[0], totalSeconds, latencies);
    }
  }

  /**
   * Inserts rows {@code from .. from+count-1}, {@code batch} per transaction, round-robin over the tables, at
   * {@code rate} rows/s (0 = as fast as possible).
   */
  private static void write(EmbeddedUpstream upstream, List<TableInfo> infos, int from, int count, int batch, int rate)
      throws InterruptedException {
    long began = System.nanoTime();
    for (int i = from; i < from + count; i += batch) {
      if (rate > 0) {
        long due = began + (long) ((i - from) * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      Transaction txn = upstream.txnKv().begin();
      for (int j = i; j < Math.min(from + count, i + batch); j++) {
        TableInfo t = infos.get(j % infos.size());
        Map<Long, Object> values = new HashMap<>();
        values.put(2L, (long) (j * 7 % 100_000));
        values.put(3L, ("c-" + j + "-" + "x".repeat(80)).getBytes(StandardCharsets.UTF_8));
        values.put(4L, ("pad-" + j).getBytes(StandardCharsets.UTF_8));
        txn.put(TableCodec.recordKey(t.id(), j), RowEncoder.encodeV2(t, values));
      }
      txn.commit();
    }
  }

  private static void report(int rows, double writeSeconds, double totalSeconds, long[] latencies) {
    Arrays.sort(latencies);
    System.out.printf("upstream writes:            %,.0f rows/s (%.1f s)%n", rows / writeSeconds, writeSeconds);
    System.out.printf("end to end (write → sink):  %,.0f rows/s (%.1f s for %,d rows)%n", rows / totalSeconds,
        totalSeconds, rows);
    System.out.printf("latency commit → consumer: p50 %d ms, p99 %d ms, max %d ms%n",
        latencies[latencies.length / 2], latencies[(int) (latencies.length * 0.99)], latencies[latencies.length - 1]);
    System.out.printf("heap used: %,d MiB of %,d MiB max%n",
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, Runtime.getRuntime().maxMemory() >> 20);
  }

  /** Prints, every second, how many records each stage's topic holds: where a backlog builds up. */
  private static Thread stageMonitor(String bootstrap) {
    Thread t = new Thread(() -> {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        long began = System.currentTimeMillis();
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(1000);
          System.out.printf("  t=%2ds internal %,9d  sink %,9d%n", (System.currentTimeMillis() - began) / 1000,
              records(c, io.kcdc.capture.runtime.InternalTopics.rows("default", "bench")), records(c, "bench-sink"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        System.out.println("  monitor stopped: " + e);
      }
    }, "stage-monitor");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long records(KafkaConsumer<byte[], byte[]> c, String topic) {
    List<TopicPartition> tps = c.partitionsFor(topic).stream()
        .map(i -> new TopicPartition(topic, i.partition())).toList();
    return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
  }

  private static PartitionReader sinkReader(String bootstrap, int partitions) {
    return PartitionReader.open(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, System.getProperty("isolation", "read_committed"),
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), "bench-sink", IntStream.range(0, partitions).toArray());
  }

  /**
   * Reads the next {@code rows} row records; returns their latencies in ms: from the commit ts' physical time to
   * when a {@code read_committed} consumer receives the record (what a user of the sink sees).
   */
  private static long[] consume(PartitionReader c, int rows) throws Exception {
    long[] latencies = new long[rows];
    int n = 0;
    long deadline = System.currentTimeMillis() + 600_000;
    while (n < rows) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("only " + n + " of " + rows + " rows arrived in 10 minutes");
      }
      var records = c.poll(Duration.ofMillis(100));
      long received = System.currentTimeMillis();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        JsonNode m = JSON.readTree(r.value());
        if (m.path("isDdl").asBoolean() || !m.path("type").asText().equals("INSERT")) {
          continue;
        }
        long commitMs = m.path("_tidb").path("commitTs").asLong() >>> 18;
        latencies[n++] = received - commitMs;
      }
    }
    return latencies;
  }
}
