package io.kcdc.capture.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * An independent check of a canal-json sink topic (TiDB extension on) against what the workload
 * committed, as a {@code read_committed} consumer sees it: every committed change delivered exactly
 * once, each key's changes in commit order, every DDL once and in its place (after every row with a
 * smaller commit ts in its partition, before every row with a larger one), no row at or below a
 * {@code TIDB_WATERMARK} after it, watermarks never going back, and the replica rebuilt from the
 * sink equal to the upstream's tables.
 */
public final class SinkAudit {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Lists in the report keep at most this many examples. */
  private static final int EXAMPLES = 20;

  /** What the audit found; {@link #clean()} when there is nothing to complain about. */
  public record Report(int committed, int delivered, int lost, int repeated, int unexpected, int outOfOrder,
      int ddlsCommitted, int ddlsDelivered, int ddlProblems, int watermarks, int watermarkProblems,
      int tablesDiffering, List<String> examples) {
    public boolean clean() {
      return lost == 0 && repeated == 0 && unexpected == 0 && outOfOrder == 0 && ddlProblems == 0
          && watermarkProblems == 0 && tablesDiffering == 0 && ddlsDelivered == ddlsCommitted;
    }

    /** One paragraph for people. */
    public String summary() {
      StringBuilder s = new StringBuilder()
          .append("row changes committed ").append(committed).append(", delivered ").append(delivered)
          .append(": lost ").append(lost).append(", repeated ").append(repeated)
          .append(", unexpected ").append(unexpected).append(", out of order ").append(outOfOrder).append('\n')
          .append("DDLs committed ").append(ddlsCommitted).append(", delivered ").append(ddlsDelivered)
          .append(", repeated or out of place ").append(ddlProblems).append('\n')
          .append("watermarks ").append(watermarks).append(", going back or followed by older rows ")
          .append(watermarkProblems).append('\n')
          .append("tables whose sink replica differs from the upstream: ").append(tablesDiffering);
      examples.forEach(e -> s.append("\n  ").append(e));
      return s.toString();
    }
  }

  private final List<String> examples = new ArrayList<>();
  private final Map<RowChangeId, Integer> seen = new HashMap<>();
  private final Map<String, Long> lastOrderOfKey = new HashMap<>();
  private final Map<String, Map<Long, Long>> replica = new HashMap<>();
  private final Map<String, Integer> ddlCount = new HashMap<>();
  private int delivered;
  private int outOfOrder;
  private int ddlProblems;
  private int watermarks;
  private int watermarkProblems;

  /** Per partition: the largest row commit ts so far, the largest DDL ts so far, the last watermark. */
  private static final class PartitionState {
    long maxRowTs;
    long maxDdlTs;
    long watermark;
  }

  private final Map<Integer, PartitionState> partitions = new HashMap<>();

  private SinkAudit() {}

  /**
   * Reads the whole topic and checks it against the workload.
   *
   * @param upstream the upstream's rows of every table the workload wrote (id → seq)
   */
  public static Report run(String bootstrapServers, String topic, List<RowChangeId> committed,
      List<Workload.CommittedDdl> ddls, Map<String, Map<Long, Long>> upstream) throws IOException {
    SinkAudit audit = new SinkAudit();
    audit.read(bootstrapServers, topic);
    return audit.report(committed, ddls, upstream);
  }

  private void read(String bootstrapServers, String topic) throws IOException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
        tps.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IOException("could not read " + topic + " to its end within 5 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() != null) {
            apply(r.partition(), JSON.readTree(r.value()));
          }
        }
      }
    }
  }

  private void apply(int partition, JsonNode msg) {
    PartitionState state = partitions.computeIfAbsent(partition, k -> new PartitionState());
    String type = msg.path("type").asText();
    if (type.equals("TIDB_WATERMARK")) {
      long ts = msg.path("_tidb").path("watermarkTs").asLong();
      watermarks++;
      if (ts < state.watermark) {
        problem("watermark " + ts + " after watermark " + state.watermark + " in partition " + partition);
        watermarkProblems++;
      }
      state.watermark = Math.max(state.watermark, ts);
      return;
    }
    long commitTs = msg.path("_tidb").path("commitTs").asLong();
    String table = msg.path("database").asText() + "." + msg.path("table").asText();
    if (msg.path("isDdl").asBoolean()) {
      ddlCount.merge(table + " " + type, 1, Integer::sum);
      if (state.maxRowTs > commitTs) {
        problem("DDL " + type + " " + table + " at " + commitTs + " after a row at " + state.maxRowTs
            + " in partition " + partition);
        ddlProblems++;
      }
      state.maxDdlTs = Math.max(state.maxDdlTs, commitTs);
      return;
    }
    if (commitTs <= state.watermark) {
      problem("row at " + commitTs + " after watermark " + state.watermark + " in partition " + partition);
      watermarkProblems++;
    }
    if (commitTs < state.maxDdlTs) {
      problem("row at " + commitTs + " after a DDL at " + state.maxDdlTs + " in partition " + partition);
      ddlProblems++;
    }
    state.maxRowTs = Math.max(state.maxRowTs, commitTs);
    JsonNode data = msg.path("data").get(0);
    long id = data.path("id").asLong();
    long seq = data.path("seq").asLong();
    RowChangeId change = new RowChangeId(table, id, seq, type);
    delivered++;
    seen.merge(change, 1, Integer::sum);
    String key = table + "/" + id;
    Long last = lastOrderOfKey.put(key, change.order());
    if (last != null && last >= change.order()) {
      problem("out of order: " + change + " after a change at seq " + last / 2);
      outOfOrder++;
    }
    Map<Long, Long> rows = replica.computeIfAbsent(table, t -> new HashMap<>());
    if (type.equals("DELETE")) {
      rows.remove(id);
    } else {
      rows.put(id, seq);
    }
  }

  private Report report(List<RowChangeId> committed, List<Workload.CommittedDdl> ddls,
      Map<String, Map<Long, Long>> upstream) {
    Set<RowChangeId> expected = new HashSet<>(committed);
    int lost = 0;
    for (RowChangeId c : committed) {
      if (!seen.containsKey(c)) {
        lost++;
        problem("lost: " + c);
      }
    }
    int repeated = 0;
    int unexpected = 0;
    for (Map.Entry<RowChangeId, Integer> e : seen.entrySet()) {
      if (e.getValue() > 1) {
        repeated += e.getValue() - 1;
        problem("delivered " + e.getValue() + " times: " + e.getKey());
      }
      if (!expected.contains(e.getKey())) {
        unexpected++;
        problem("never committed: " + e.getKey());
      }
    }
    int ddlsDelivered = 0;
    for (Workload.CommittedDdl ddl : ddls) {
      int n = ddlCount.getOrDefault(ddl.table() + " CREATE", 0);
      if (n > 0) {
        ddlsDelivered++;
      }
      if (n != 1) {
        ddlProblems++;
        problem("DDL " + ddl.query() + " delivered " + n + " times");
      }
    }
    int differing = 0;
    for (Map.Entry<String, Map<Long, Long>> e : new TreeMap<>(upstream).entrySet()) {
      Map<Long, Long> sink = replica.getOrDefault(e.getKey(), Map.of());
      if (!sink.equals(e.getValue())) {
        differing++;
        problem("table " + e.getKey() + ": upstream has " + e.getValue().size() + " rows, the sink replica "
            + sink.size() + (sink.size() == e.getValue().size() ? " (values differ)" : ""));
      }
    }
    return new Report(committed.size(), delivered, lost, repeated, unexpected, outOfOrder, ddls.size(), ddlsDelivered,
        ddlProblems, watermarks, watermarkProblems, differing, List.copyOf(examples));
  }

  private void problem(String text) {
    if (examples.size() < EXAMPLES) {
      examples.add(text);
    }
  }

  /** The rows of every table, for {@link #run}. */
  public static Map<String, Map<Long, Long>> upstreamRows(Workload workload) throws java.sql.SQLException {
    Map<String, Map<Long, Long>> rows = new LinkedHashMap<>();
    for (String table : workload.tables()) {
      rows.put(table, workload.select(table));
    }
    return rows;
  }
}
