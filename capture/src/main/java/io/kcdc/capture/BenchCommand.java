package io.kcdc.capture;

import io.kcdc.capture.bench.Bench;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.TempDirs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc bench}: starts its own playground (embedded upstream, etcd, Kafka, one capture process with a small
 * heap) on free ports and prints, per scenario, what a changefeed does next to what a plain Kafka producer does
 * with the same bytes.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure catch-up throughput, live latency, a large transaction and a changefeed of many tables.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--scenarios", split = ",", defaultValue = "catch-up,live,big-txn",
      description = "Which scenarios to run: catch-up, live, big-txn, tables (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--rows", defaultValue = "200000", description = "Rows loaded before the catch-up changefeed starts (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--warm-runs", defaultValue = "1", description = "Warm catch-up changefeeds after the first one, each over the same rows; with more than one the benchmark prints their spread and the raw producer's rate before and after them, so two builds can be compared on a machine whose speed drifts (default: ${DEFAULT-VALUE}).")
  int warmRuns;

  @Option(names = "--idle-changefeeds", defaultValue = "0", description = "Changefeeds over a table nobody writes, running beside the catch-up ones: the benchmark prints what they cost while nothing else runs, then measures the catch-up beside them (default: ${DEFAULT-VALUE}).")
  int idleChangefeeds;

  @Option(names = "--sysbench-tables", defaultValue = "4", description = "Sysbench-shaped tables of the catch-up and live scenarios (default: ${DEFAULT-VALUE}).")
  int sysbenchTables;

  @Option(names = "--tables", defaultValue = "10000", description = "Tables of the tables scenario's changefeed (default: ${DEFAULT-VALUE}).")
  int tables;

  @Option(names = "--tables-rate", defaultValue = "1000", description = "Rows per second the tables scenario writes, spread over 100 of its tables (default: ${DEFAULT-VALUE}).")
  int tablesRate;

  @Option(names = "--tables-duration", defaultValue = "60s", description = "How long the tables scenario writes (default: ${DEFAULT-VALUE}).")
  String tablesDuration;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of each sink topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--live-rate", defaultValue = "1000", description = "Rows per second of the live scenario (default: ${DEFAULT-VALUE}).")
  int liveRate;

  @Option(names = "--live-duration", defaultValue = "30s", description = "How long the live scenario writes (default: ${DEFAULT-VALUE}).")
  String liveDuration;

  @Option(names = "--live-warmup", defaultValue = "10s", description = "How long the live scenario writes at its rate before it measures: the rows of the warm-up are delivered and checked, but not in the latency figures (a fresh capture's JIT) (default: ${DEFAULT-VALUE}).")
  String liveWarmup;

  @Option(names = "--txn-rows", defaultValue = "1000000", description = "Rows of the big-txn scenario's one transaction (default: ${DEFAULT-VALUE}).")
  int txnRows;

  @Option(names = "--capture-heap", defaultValue = "512m", description = "-Xmx of the capture process (default: ${DEFAULT-VALUE}).")
  String captureHeap;

  @Option(names = "--keep-data", description = "Keep the benchmark's data directory (its logs) after the run.")
  boolean keepData;

  @Option(names = "--resolved-ts-interval", defaultValue = "200ms", description = "How often the embedded TiKV sends each region's resolved ts (TiKV's cdc.min-ts-interval; TiKV's default is 1s) (default: ${DEFAULT-VALUE}).")
  String resolvedTsInterval;

  @Option(names = "--profile", description = "Record the capture with Java Flight Recorder (profile settings) into capture.jfr in the data directory; implies --keep-data.")
  boolean profile;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path dir = TempDirs.create("cdc-bench");
    System.setProperty("org.slf4j.simpleLogger.logFile", dir.resolve("bench.log").toString());
    Duration resolvedTs = ChaosCommand.duration(resolvedTsInterval);
    out.printf("[bench] data and logs in %s; capture heap %s; TiKV resolved ts every %d ms%n", dir, captureHeap,
        resolvedTs.toMillis());
    PlaygroundStack.Settings settings = new PlaygroundStack.Settings(dir, FreePorts.pick(), FreePorts.pick(),
        FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(),
        FreePorts.pick(), 1, captureHeap, resolvedTs,
        List.of("--internal-partitions", "4", "--tasks-max", "2"),
        profile ? List.of("-XX:StartFlightRecording=filename=" + dir.resolve("capture.jfr") + ",settings=profile,dumponexit=true")
            : List.of());
    keepData |= profile;
    boolean ok;
    try (PlaygroundStack stack = PlaygroundStack.start(settings, out)) {
      // Ctrl-C: stop the capture process and etcd too, not only this JVM
      Thread stopper = new Thread(stack::close, "bench-shutdown");
      Runtime.getRuntime().addShutdownHook(stopper);
      CaptureSupervisor capture = stack.captures().get(0);
      Bench bench = new Bench(stack.upstream().jdbcUrl(), stack.apiAddress(0), stack.kafka().bootstrapServers(),
          sysbenchTables, partitions, out, capture::pid, capture::restarts);
      ok = true;
      for (String s : scenarios) {
        ok &= switch (s.trim()) {
          case "catch-up" -> bench.catchUp(rows, warmRuns, idleChangefeeds);
          case "live" -> bench.live(liveRate, ChaosCommand.duration(liveWarmup), ChaosCommand.duration(liveDuration));
          case "big-txn" -> bench.bigTransaction(txnRows);
          case "tables" -> bench.manyTables(tables, tablesRate, ChaosCommand.duration(tablesDuration));
          default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
              "unknown scenario " + s + " (catch-up, live, big-txn, tables)");
        };
      }
    } finally {
      if (!keepData) {
        TempDirs.delete(dir);
      }
    }
    return ok ? 0 : 1;
  }
}
