package io.kcdc.capture.bench;

import io.kcdc.capture.chaos.ClusterApi;
import io.kcdc.common.Tso;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.ChangefeedNames;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The scenarios of {@code cdc bench}, each against the running playground and with its own database, changefeed and
 * sink topic (canal-json with the TiDB extension, so the consumer knows each row's commit ts). Each prints its
 * figures and returns whether every row arrived exactly once.
 */
public final class Bench {
  /** The tables the {@code tables} scenario writes to; the others stay idle. */
  private static final int WRITTEN_TABLES = 100;
  /** Connections the {@code tables} scenario writes over. */
  private static final int WRITERS = 4;
  private final String jdbcUrl;
  private final ClusterApi api;
  private final String kafka;
  private final int tables;
  private final int partitions;
  private final PrintStream out;
  private final LongSupplier capturePid;
  private final IntSupplier captureRestarts;

  /**
   * @param capturePid the capture process's current pid (its heap is sampled)
   * @param captureRestarts how often the capture process was started again
   */
  public Bench(String jdbcUrl, String apiAddress, String kafka, int tables, int partitions, PrintStream out,
      LongSupplier capturePid, IntSupplier captureRestarts) {
    this.jdbcUrl = jdbcUrl;
    this.api = new ClusterApi(apiAddress);
    this.kafka = kafka;
    this.tables = tables;
    this.partitions = partitions;
    this.out = out;
    this.capturePid = capturePid;
    this.captureRestarts = captureRestarts;
  }

  /**
   * Loads {@code rows} rows, then starts a changefeed from before the load and measures how fast it delivers them;
   * then {@code warmRuns} more changefeeds over the same rows, one after the other, in a capture whose JIT has
   * compiled the paths by now; then one plain producer writes the same messages to a new topic. With more than one
   * warm run, the raw producer also writes before them, and the warm runs' spread is printed: this machine's speed
   * drifts by half within minutes, so one run of each of two builds compares nothing (docs/catch-up.md).
   */
  public boolean catchUp(int rows, int warmRuns, int idleChangefeeds) throws Exception {
    SysbenchTables db = new SysbenchTables(jdbcUrl, "bench_catchup", tables);
    db.create();
    long startTs = api.tso();
    long loadStart = System.nanoTime();
    db.load(rows, 2);
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    out.printf("%n== catch-up: %,d rows in %d sysbench tables, loaded at %,.0f rows/s before the changefeed starts%n",
        rows, tables, rows / loadSeconds);
    if (idleChangefeeds > 0) {
      idle(idleChangefeeds);
    }
    out.println("-- the first changefeed after the capture started: its JVM compiles the paths as it goes");
    CatchUp cold = catchUpOnce("bench-catchup", startTs, db.database(), rows);
    double rawBefore = 0;
    if (warmRuns > 1) {
      rawBefore = RawProducer.write(kafka, "bench-catchup-raw-before", partitions, cold.result().kept());
      out.printf("raw producer:  before the warm runs, %,.0f records/s%n", rawBefore);
    }
    List<CatchUp> warms = new ArrayList<>();
    boolean exact = exactlyOnce(cold.result(), rows);
    for (int i = 1; i <= warmRuns; i++) {
      out.printf("-- warm run %d of %d: another changefeed over the same rows, the capture's JIT has compiled the "
          + "paths%n", i, warmRuns);
      CatchUp run = catchUpOnce(i == 1 ? "bench-catchup-warm" : "bench-catchup-warm" + i, startTs, db.database(), rows);
      exact &= exactlyOnce(run.result(), rows);
      warms.add(run);
    }
    if (idleChangefeeds > 0) {
      idleCpu(idleChangefeeds);
    }
    CatchUp warm = warms.get(warms.size() - 1);
    long bytes = warm.result().kept().stream().mapToLong(c -> c.serializedKeySize() + c.serializedValueSize()).sum();
    double raw = RawProducer.write(kafka, "bench-catchup-raw", partitions, warm.result().kept());
    out.printf("raw producer:  the same %,d messages (%,.1f MiB) at %,.0f records/s%n", warm.result().kept().size(),
        bytes / 1048576.0, raw);
    if (warmRuns > 1) {
      out.printf("warm runs:     %s rows/s from creation (median %,.0f); capture %s µs per row (median %.0f); "
          + "broker JVM %s µs per row (median %.0f); raw producer %,.0f before, %,.0f after%n",
          spread(warms, CatchUp::fromCreation, "%,.0f"), median(warms, CatchUp::fromCreation),
          spread(warms, CatchUp::captureMicrosPerRow, "%.0f"), median(warms, CatchUp::captureMicrosPerRow),
          spread(warms, CatchUp::ownMicrosPerRow, "%.0f"), median(warms, CatchUp::ownMicrosPerRow), rawBefore, raw);
    }
    out.printf("ratio:         %.1f %% cold, %.1f %% warm of the raw producer (from creation); %.1f %% warm from the "
        + "first to the last row%n", 100 * cold.fromCreation() / raw, 100 * warm.fromCreation() / raw,
        100 * warm.firstToLast() / raw);
    return exact;
  }

  /**
   * Starts {@code count} changefeeds over a table nobody writes and waits until they run; they stay beside the
   * catch-up runs ({@link #idleCpu} measures them afterwards).
   */
  private void idle(int count) throws Exception {
    SysbenchTables idle = new SysbenchTables(jdbcUrl, "bench_idle", 1);
    idle.create();
    for (int i = 1; i <= count; i++) {
      createChangefeed("bench-idle-" + i, api.tso(), idle.database());
    }
    for (int i = 1; i <= count; i++) {
      awaitRunning("bench-idle-" + i);
    }
  }

  /**
   * Prints the CPU the capture and this JVM (the broker) use over 20 s while only the idle changefeeds run, after the
   * catch-up runs, each by thread group: the capture's JIT compiler threads may still be busy then, and are to be
   * read apart from what idling costs.
   */
  private void idleCpu(int count) throws Exception {
    CpuSampler captureCpu = new CpuSampler(capturePid.getAsLong());
    CpuSampler ownCpu = new CpuSampler(ProcessHandle.current().pid());
    Map<String, Long> offsetsBefore = TopicGrowth.endOffsetsOfAllTopics(kafka);
    Thread.sleep(20_000);
    Map<String, Double> written = new HashMap<>(); // per second, by topic
    TopicGrowth.endOffsetsOfAllTopics(kafka).forEach((topic, end) ->
        written.put(topic, (end - offsetsBefore.getOrDefault(topic, 0L)) / 20.0));
    Map<String, Double> capture = captureCpu.byThreadGroup();
    Map<String, Double> own = ownCpu.byThreadGroup();
    out.printf("idle:          %d changefeeds over a table nobody writes: the capture %.2f cores (%.2f without its JIT "
        + "threads), the broker JVM %.2f cores (%.2f) (20 s, after the catch-up runs)%n", count,
        captureCpu.cpuSeconds() / 20, withoutJit(capture) / 20, ownCpu.cpuSeconds() / 20, withoutJit(own) / 20);
    out.printf("idle writes:   %,.0f records and transaction markers a second on the broker, all topics: %s%n",
        written.values().stream().mapToDouble(Double::doubleValue).sum(), written.entrySet().stream()
            .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
            .map(e -> String.format("%s %.0f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
    out.printf("idle capture:  %s (CPU seconds in the 20 s)%n", threadGroups(capture, 8));
    out.printf("idle own:      %s%n", threadGroups(own, 8));
  }

  /** The CPU seconds of all thread groups but the JIT compiler's ({@code C1/C2 CompilerThread}). */
  private static double withoutJit(Map<String, Double> byThreadGroup) {
    return byThreadGroup.entrySet().stream().filter(e -> !e.getKey().contains("CompilerThre"))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /**
   * What one catch-up delivered, its rates in rows/s from the creation and from the first to the last row, and the CPU
   * per row of the capture and of this JVM (the broker, the upstream, the reader).
   */
  private record CatchUp(SinkReader.Result result, double fromCreation, double firstToLast, double captureMicrosPerRow,
      double ownMicrosPerRow) {}

  /** The runs' values in the order they ran, formatted, separated by slashes. */
  private static String spread(List<CatchUp> runs, ToDoubleFunction<CatchUp> value, String format) {
    return runs.stream().map(r -> String.format(format, value.applyAsDouble(r))).collect(Collectors.joining(" / "));
  }

  private static double median(List<CatchUp> runs, ToDoubleFunction<CatchUp> value) {
    double[] v = runs.stream().mapToDouble(value).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private CatchUp catchUpOnce(String changefeed, long startTs, String database, int rows) throws Exception {
    long created = System.currentTimeMillis();
    String rowsTopic = new ChangefeedNames("", ChangefeedNames.DEFAULT_NAMESPACE, changefeed).rowsTopic();
    SinkReader.Result r;
    // CPU time is steadier than wall time on a shared machine: it says what a row costs, not what it waited for
    CpuSampler captureCpu = new CpuSampler(capturePid.getAsLong());
    CpuSampler ownCpu = new CpuSampler(ProcessHandle.current().pid());
    try (TopicGrowth internal = new TopicGrowth(kafka, rowsTopic, rows)) {
      createChangefeed(changefeed, startTs, database);
      try (SinkReader reader = reader(changefeed)) {
        r = reader.read(rows, Duration.ofMinutes(15), true, rows);
      }
      out.printf("phases:        from the creation, the internal topic's first record after %.1f s and %,d records "
          + "after %.1f s; the sink's first row after %.1f s, its last after %.1f s%n",
          since(created, internal.firstAtMs()), rows, since(created, internal.reachedAtMs()),
          since(created, r.firstRowAtMs()), since(created, r.lastRowAtMs()));
    }
    double capture = captureCpu.cpuSeconds();
    double own = ownCpu.cpuSeconds();
    out.printf("cpu:           the capture %.1f s (%.0f µs per row), the broker, upstream and this reader %.1f s "
        + "(%.0f µs per row)%n", capture, capture * 1e6 / rows, own, own * 1e6 / rows);
    out.printf("capture cpu:   %s%n", threadGroups(captureCpu.byThreadGroup(), 8));
    out.printf("own cpu:       %s%n", threadGroups(ownCpu.byThreadGroup(), 8));
    double fromCreate = (r.lastRowAtMs() - created) / 1000.0;
    double steady = Math.max((r.lastRowAtMs() - r.firstRowAtMs()) / 1000.0, 0.001);
    out.printf("changefeed:    %,d rows in %.1f s from its creation = %,.0f rows/s (first to last row: %,.0f rows/s)%n",
        r.rows(), fromCreate, r.rows() / fromCreate, r.rows() / steady);
    remove(changefeed);
    return new CatchUp(r, r.rows() / fromCreate, r.rows() / steady, capture * 1e6 / rows, own * 1e6 / rows);
  }

  /**
   * Removes a measured changefeed and waits until it is gone: an idle changefeed is not free (its tasks commit a
   * transaction every resolved-ts interval, its Streams app commits, the owner ticks it), and one left running beside
   * the next made each run slower than the one before (docs/catch-up.md).
   */
  private void remove(String changefeed) throws IOException, InterruptedException {
    api.call("DELETE", "/api/v2/changefeeds/" + changefeed, null);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        api.call("GET", "/api/v2/changefeeds/" + changefeed, null);
      } catch (IOException e) {
        if (e.getMessage().contains(CdcError.CHANGEFEED_NOT_EXISTS.code())) {
          return; // gone (TiCDC answers 400 with this code); any other failure is asked again
        }
      }
      Thread.sleep(200);
    }
    throw new IOException("changefeed " + changefeed + " still there a minute after its removal");
  }

  /** The largest groups of a process's threads by CPU seconds, as one line. */
  private static String threadGroups(Map<String, Double> groups, int limit) {
    return groups.entrySet().stream().limit(limit)
        .map(e -> String.format("%s %.1f s", e.getKey().strip(), e.getValue())).collect(Collectors.joining(", "));
  }

  /**
   * Writes {@code rate} rows/s for {@code warmup} then {@code duration} into a running changefeed and prints the
   * commit → visible latency of the rows after the warm-up; every row is checked for exactly-once delivery.
   */
  public boolean live(int rate, Duration warmup, Duration duration) throws Exception {
    SysbenchTables db = new SysbenchTables(jdbcUrl, "bench_live", tables);
    db.create();
    createChangefeed("bench-live", api.tso(), db.database());
    awaitRunning("bench-live");
    int warmupRows = (int) (rate * warmup.toSeconds());
    int rows = warmupRows + (int) (rate * duration.toSeconds());
    out.printf("%n== live: %,d rows/s for %d s after %d s of warm-up, resolved ts every 200 ms%n", rate,
        duration.toSeconds(), warmup.toSeconds());
    int perTick = Math.max(1, rate / 100);
    Thread writer = new Thread(() -> {
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        long began = System.nanoTime();
        for (int from = 1; from <= rows; from += perTick) {
          long due = began + (long) ((from - 1) * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          s.execute(db.insert(from, Math.min(rows, from + perTick - 1)));
        }
      } catch (Exception e) {
        out.println("writer stopped: " + e);
      }
    }, "bench-live-writer");
    SinkReader.Result r;
    try (SinkReader reader = reader("bench-live")) {
      writer.start();
      r = reader.read(rows, warmup.plus(duration).plusMinutes(5), false, rows);
      writer.join();
    }
    SinkReader.Result measured = r.after(warmupRows);
    out.printf("commit → visible to a read_committed consumer: p50 %,d ms, p99 %,d ms, max %,d ms (%,d rows after "
        + "the warm-up; during it p99 %,d ms)%n", measured.percentile(0.50), measured.percentile(0.99),
        measured.percentile(1.0), measured.latenciesMs().length, r.before(warmupRows).percentile(0.99));
    int slices = (int) Math.max(1, Math.min(10, duration.toSeconds() / 5));
    StringBuilder line = new StringBuilder("p99 by arrival, in " + slices + " slices:");
    for (int i = 0; i < slices; i++) {
      line.append(String.format(" %,d", measured.percentile(i, slices, 0.99)));
    }
    out.println(line.append(" ms"));
    return exactlyOnce(r, rows);
  }

  /**
   * Commits one transaction of {@code rows} rows into a running changefeed and prints how long it took to appear,
   * and the capture's peak heap meanwhile.
   */
  public boolean bigTransaction(int rows) throws Exception {
    SysbenchTables db = new SysbenchTables(jdbcUrl, "bench_txn", 1);
    db.create();
    createChangefeed("bench-txn", api.tso(), db.database());
    awaitRunning("bench-txn");
    out.printf("%n== big transaction: %,d rows in one transaction%n", rows);
    int restartsBefore = captureRestarts.getAsInt();
    SinkReader.Result r;
    long committed;
    try (HeapSampler heap = new HeapSampler(capturePid.getAsLong(), 200);
        SinkReader reader = reader("bench-txn")) {
      long began = System.nanoTime();
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        for (int from = 1; from <= rows; from += SysbenchTables.ROWS_PER_STATEMENT) {
          s.execute(db.insert(from, Math.min(rows, from + SysbenchTables.ROWS_PER_STATEMENT - 1)));
        }
        c.commit();
      }
      committed = System.currentTimeMillis();
      out.printf("written and committed in %.1f s%n", (System.nanoTime() - began) / 1e9);
      r = reader.read(rows, Duration.ofMinutes(30), false, rows);
      out.printf("in the sink %.1f s after the commit (%,d rows); capture peak heap %,d MiB (sampled every 200 ms)%n",
          (r.lastRowAtMs() - committed) / 1000.0, r.rows(), heap.peakMib());
    }
    int restarts = captureRestarts.getAsInt() - restartsBefore;
    out.printf("capture restarts during the run: %d%n", restarts);
    return exactlyOnce(r, rows) && restarts == 0;
  }

  /**
   * Creates {@code count} small tables, then one changefeed over them, and prints how long it took until the
   * changefeed's checkpoint passed its creation (every table scheduled, pulled, resolved and checkpointed); then
   * writes {@code rate} rows/s spread over 100 of the tables for {@code duration} and samples the checkpoint lag
   * (now minus the checkpoint's physical time, from the API) every second. Every row is checked for exactly-once
   * delivery.
   */
  public boolean manyTables(int count, int rate, Duration duration) throws Exception {
    ManyTables db = new ManyTables(jdbcUrl, "bench_tables", count);
    out.printf("%n== tables: %,d tables in one changefeed, then %,d rows/s into %d of them for %d s%n", count, rate,
        Math.min(WRITTEN_TABLES, count), duration.toSeconds());
    long began = System.nanoTime();
    db.create(4);
    double createSeconds = (System.nanoTime() - began) / 1e9;
    out.printf("tables created: %,d in %.1f s through the MySQL protocol (4 connections) = %,.0f tables/s%n", count,
        createSeconds, count / createSeconds);
    CpuSampler cpu = new CpuSampler(capturePid.getAsLong());
    long startTs = api.tso();
    long created = System.nanoTime();
    createChangefeed("bench-tables", startTs, db.database());
    long pastTs = api.tso();
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis();
    while (Tso.before(api.checkpointTs("bench-tables"), pastTs)) {
      if (System.currentTimeMillis() > deadline) {
        out.println("the changefeed's checkpoint did not pass its creation within 30 minutes");
        return false;
      }
      Thread.sleep(200);
    }
    out.printf("changefeed:     checkpoint past its creation %.1f s after it was created (capture CPU %.2f cores)%n",
        (System.nanoTime() - created) / 1e9, cpu.cores());
    int written = Math.min(WRITTEN_TABLES, count);
    int rows = (int) (rate * duration.toSeconds());
    int perStatement = Math.max(1, rate / 100);
    // four connections: one statement at a time falls behind 100 statements/s on the embedded TiDB
    int statements = (rows + perStatement - 1) / perStatement;
    long[] start = new long[1]; // set when the writers start
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int first = w;
      writers.add(new Thread(() -> {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
          for (int k = first; k < statements; k += WRITERS) {
            int from = 1 + k * perStatement;
            long wait = start[0] + (long) ((from - 1) * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
            s.execute(db.insert(k % written, from, Math.min(rows, from + perStatement - 1)));
          }
        } catch (Exception e) {
          out.println("writer stopped: " + e);
        }
      }, "bench-tables-writer-" + w));
    }
    List<Long> lags = new ArrayList<>();
    Thread sampler = new Thread(() -> {
      try {
        long next = System.currentTimeMillis() + 1000;
        while (writers.stream().anyMatch(Thread::isAlive) || lags.isEmpty()) {
          Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
          next += 1000;
          long checkpoint = api.checkpointTs("bench-tables");
          synchronized (lags) {
            lags.add(System.currentTimeMillis() - Tso.physical(checkpoint));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        out.println("lag sampler stopped: " + e);
      }
    }, "bench-tables-lag");
    SinkReader.Result r;
    CpuSampler steadyCpu = new CpuSampler(capturePid.getAsLong());
    long writeStart = System.nanoTime();
    try (HeapSampler heap = new HeapSampler(capturePid.getAsLong(), 500);
        SinkReader reader = reader("bench-tables")) {
      start[0] = System.nanoTime();
      writers.forEach(Thread::start);
      sampler.start();
      r = reader.read(rows, duration.plusMinutes(5), false, rows);
      for (Thread w : writers) {
        w.join();
      }
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      sampler.join();
      long[] inOrder;
      synchronized (lags) {
        inOrder = lags.stream().mapToLong(Long::longValue).toArray();
      }
      long[] sorted = inOrder.clone();
      Arrays.sort(sorted);
      out.printf("steady writes:  %,d rows in %.1f s = %,.0f rows/s; capture CPU %.2f cores, peak heap %,d MiB%n",
          rows, writeSeconds, rows / writeSeconds, steadyCpu.cores(), heap.peakMib());
      out.printf("checkpoint lag: p50 %,d ms, p99 %,d ms, max %,d ms (%d samples, one a second; target < 10 s)%n",
          at(sorted, 0.50), at(sorted, 0.99), at(sorted, 1.0), sorted.length);
      out.println(lagBySlice(inOrder, 10));
      out.printf("row latency:    commit → visible p50 %,d ms, p99 %,d ms, max %,d ms%n", r.percentile(0.50),
          r.percentile(0.99), r.percentile(1.0));
    }
    return exactlyOnce(r, rows);
  }

  /** Seconds from {@code startMs} to {@code atMs}; NaN when {@code atMs} was never reached (-1). */
  private static double since(long startMs, long atMs) {
    return atMs < 0 ? Double.NaN : (atMs - startMs) / 1000.0;
  }

  /** The largest lag of each run of {@code width} samples, in time order: where a tail sits in the run. */
  private static String lagBySlice(long[] inOrder, int width) {
    StringBuilder line = new StringBuilder("lag max by " + width + " s slice:");
    for (int from = 0; from < inOrder.length; from += width) {
      long max = 0;
      for (int i = from; i < Math.min(inOrder.length, from + width); i++) {
        max = Math.max(max, inOrder[i]);
      }
      line.append(String.format(" %,d", max));
    }
    return line.append(" ms").toString();
  }

  private static long at(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
  }

  private boolean exactlyOnce(SinkReader.Result r, int rows) {
    boolean ok = r.rows() == rows && r.distinctIds() == rows && r.repeatedIds() == 0;
    out.printf("exactly once:  %s (%,d of %,d rows, %,d distinct, %,d repeated)%n", ok ? "yes" : "NO", r.rows(), rows,
        r.distinctIds(), r.repeatedIds());
    return ok;
  }

  private void createChangefeed(String id, long startTs, String database) throws IOException {
    api.createChangefeed("""
        {"changefeed_id":"%s","start_ts":%d,
         "sink_uri":"kafka://%s/%s?protocol=canal-json&enable-tidb-extension=true&partition-num=%d",
         "replica_config":{"filter":{"rules":["%s.*"]}}}""".formatted(id, startTs, kafka, id, partitions, database));
  }

  /** Waits until the changefeed's checkpoint passes a ts taken now: its connector and Streams app run. */
  private void awaitRunning(String id) throws Exception {
    long ts = api.tso();
    long deadline = System.currentTimeMillis() + 120_000;
    while (Tso.before(api.checkpointTs(id), ts)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("changefeed " + id + " did not start within 2 minutes");
      }
      Thread.sleep(200);
    }
  }

  /** A reader of the sink topic, once the Streams app has created it. */
  private SinkReader reader(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (!admin.listTopics().names().get().contains(topic)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the sink topic " + topic + " was not created within 2 minutes");
        }
        Thread.sleep(200);
      }
    }
    return new SinkReader(kafka, topic, partitions);
  }

}
