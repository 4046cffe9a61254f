package io.kcdc.capture.chaos;

import io.kcdc.common.Tso;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

/**
 * A fault run against a running cluster: a changefeed to a canal-json topic, a steady {@link Workload},
 * faults (capture kills with SIGKILL, or whatever the caller does) each followed by the time until the
 * changefeed's checkpoint passes the moment of the fault, and at the end a {@link SinkAudit} of the
 * topic against what the workload committed.
 */
public final class ChaosRun implements AutoCloseable {
  /**
   * @param jdbcUrl the upstream TiDB
   * @param api any capture's API address
   * @param kafka bootstrap servers of the sink
   * @param partitions of the sink topic
   */
  public record Settings(String jdbcUrl, String api, String kafka, String changefeed, String topic, String database,
      int tables, double rowsPerSecond, Duration ddlEvery, int partitions, Duration recoveryTimeout, long seed) {}

  /** One fault and how long the changefeed took to move past it (empty: not within the timeout). */
  public record Fault(String what, Instant at, Optional<Duration> recovery) {
    public String line() {
      return LocalTime.ofInstant(at, ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS) + "  " + what + "  "
          + recovery.map(d -> "checkpoint past it after " + seconds(d)).orElse("NOT RECOVERED");
    }
  }

  private final Settings settings;
  private final ClusterApi api;
  private final Workload workload;
  private final List<Fault> faults = new ArrayList<>();
  /** Ids of the captures killed so far: registered until their lease expires, never again after. */
  private final Set<String> killed = new HashSet<>();
  private final Random random;
  /** How many captures the cluster had when the run started. */
  private int captures;
  /** The highest checkpoint read so far, and the reads that found a lower one. */
  private long highestCheckpoint;
  private final List<String> checkpointRegressions = new ArrayList<>();

  public ChaosRun(Settings settings) {
    this.settings = settings;
    this.api = new ClusterApi(settings.api());
    this.workload = new Workload(new Workload.Settings(settings.jdbcUrl(), settings.database(), settings.tables(),
        settings.rowsPerSecond(), settings.ddlEvery(), settings.seed()));
    this.random = new Random(settings.seed());
  }

  public ClusterApi api() {
    return api;
  }

  public Workload workload() {
    return workload;
  }

  /** Creates the tables and the changefeed and waits until it replicates. */
  public void prepare() throws IOException, SQLException, InterruptedException {
    captures = awaitReady(Duration.ofMinutes(2));
    workload.createSchema();
    long startTs = api.tso();
    api.createChangefeed("""
        {"changefeed_id":"%s","start_ts":%d,
         "sink_uri":"kafka://%s/%s?protocol=canal-json&enable-tidb-extension=true&partition-num=%d",
         "replica_config":{"filter":{"rules":["%s.*"]}}}"""
        .formatted(settings.changefeed(), startTs, settings.kafka(), settings.topic(), settings.partitions(),
            settings.database()));
    if (awaitCheckpointPast(Tso.physical(startTs), Duration.ofMinutes(2)).isEmpty()) {
      throw new IOException("changefeed " + settings.changefeed() + " did not start replicating within 2 minutes");
    }
  }

  /**
   * The number of registered captures, once the cluster answers: right after {@code cdc playground} starts, the
   * captures still start up and answer {@code ErrServerIsNotReady}.
   */
  private int awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (true) {
      try {
        return api.captures().size();
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
      }
      Thread.sleep(500);
    }
  }

  /** Starts the write load. */
  public void startLoad() {
    workload.start();
  }

  /**
   * Waits until every capture the run started with is registered again (killed ones come back after their
   * restart, under a new id), so that the next fault hits a whole cluster, as an operator would wait before the
   * next drill.
   */
  public void awaitWholeCluster(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (true) {
      try {
        List<ClusterApi.Capture> registered = api.captures();
        // a killed capture stays registered until its lease expires: wait for its next incarnation (a new id)
        if (registered.size() >= captures && registered.stream().noneMatch(c -> killed.contains(c.id()))) {
          return;
        }
      } catch (IOException e) {
        // ask again
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException("only some of the " + captures + " captures came back within " + timeout);
      }
      Thread.sleep(500);
    }
  }

  /**
   * Kills a capture with SIGKILL, found by its API port, and waits until the checkpoint passes the
   * moment of the kill.
   *
   * @param owner the owner if true, else another capture (any if there is no other)
   */
  public Fault killCapture(boolean owner) throws IOException, InterruptedException {
    ClusterApi.Capture victim = pick(owner);
    OptionalLong pid = CaptureProcesses.pidListeningOn(victim.address());
    if (pid.isEmpty()) {
      throw new IOException("no process listens on " + victim.address() + " (is the capture on this machine?)");
    }
    Instant at = Instant.now();
    CaptureProcesses.kill(pid.getAsLong());
    killed.add(victim.id());
    return afterFault("kill -9 " + (victim.owner() ? "owner " : "capture ") + victim.address() + " (pid "
        + pid.getAsLong() + ")", at);
  }

  /**
   * Freezes a capture with SIGSTOP for {@code pause} (a long GC pause, a VM stall), then lets it go on with SIGCONT,
   * and waits until the checkpoint passes the moment it was frozen. A frozen owner is replaced; when it wakes up it
   * must not write anything any more.
   */
  public Fault pauseCapture(boolean owner, Duration pause) throws IOException, InterruptedException {
    ClusterApi.Capture victim = pick(owner);
    long pid = CaptureProcesses.pidListeningOn(victim.address()).orElseThrow(
        () -> new IOException("no process listens on " + victim.address()));
    Instant at = Instant.now();
    CaptureProcesses.signal(pid, "STOP");
    Thread.sleep(pause.toMillis());
    CaptureProcesses.signal(pid, "CONT");
    return afterFault("SIGSTOP " + (victim.owner() ? "owner " : "capture ") + victim.address() + " for "
        + pause.toSeconds() + " s, then SIGCONT", at);
  }

  private ClusterApi.Capture pick(boolean owner) throws IOException {
    List<ClusterApi.Capture> captures = api.captures();
    List<ClusterApi.Capture> candidates = captures.stream().filter(c -> c.owner() == owner).toList();
    if (candidates.isEmpty()) {
      candidates = captures;
    }
    if (candidates.isEmpty()) {
      throw new IOException("no capture is registered");
    }
    return candidates.get(random.nextInt(candidates.size()));
  }

  /** Records a fault that happened at {@code at} and waits until the checkpoint passes it. */
  public Fault afterFault(String what, Instant at) throws InterruptedException {
    Fault f = new Fault(what, at, awaitCheckpointPast(at.toEpochMilli(), settings.recoveryTimeout()));
    faults.add(f);
    return f;
  }

  /** Reads the changefeed's checkpoint and notes it if it is lower than one read before. */
  private long checkpoint() throws IOException {
    long checkpoint = api.checkpointTs(settings.changefeed());
    if (Tso.before(checkpoint, highestCheckpoint)) {
      checkpointRegressions.add("checkpoint " + Long.toUnsignedString(checkpoint) + " read after "
          + Long.toUnsignedString(highestCheckpoint));
    } else {
      highestCheckpoint = checkpoint;
    }
    return checkpoint;
  }

  /** Checkpoints that went backwards between two reads during the run (there must be none). */
  public List<String> checkpointRegressions() {
    return List.copyOf(checkpointRegressions);
  }

  /** Waits until the checkpoint's physical time is past {@code epochMs}; the time that took, from then. */
  private Optional<Duration> awaitCheckpointPast(long epochMs, Duration timeout) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      try {
        long checkpoint = checkpoint();
        if (Tso.physical(checkpoint) > epochMs) {
          return Optional.of(Duration.ofMillis(System.currentTimeMillis() - epochMs));
        }
      } catch (IOException e) {
        // no capture answers right now (the owner is changing, etcd restarts...): ask again
      }
      Thread.sleep(100);
    }
    return Optional.empty();
  }

  /** Stops the load, waits until everything committed is replicated, and audits the sink. */
  public SinkAudit.Report finish() throws IOException, SQLException, InterruptedException {
    workload.stop();
    if (workload.failure() != null) {
      throw new IOException("the workload stopped: " + workload.failure(), workload.failure());
    }
    long end = api.tso();
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(3).toMillis();
    while (true) {
      try {
        if (!Tso.before(checkpoint(), end)) {
          break;
        }
      } catch (IOException e) {
        // ask again
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException("the checkpoint did not reach the end of the workload within 3 minutes");
      }
      Thread.sleep(200);
    }
    return SinkAudit.run(settings.kafka(), settings.topic(), workload.committed(), workload.ddls(),
        SinkAudit.upstreamRows(workload));
  }

  public List<Fault> faults() {
    return List.copyOf(faults);
  }

  /** The recovery times, for the summary line. */
  public String recoverySummary() {
    List<Long> ms = faults.stream().flatMap(f -> f.recovery().stream()).map(Duration::toMillis).sorted().toList();
    long missing = faults.stream().filter(f -> f.recovery().isEmpty()).count();
    if (ms.isEmpty()) {
      return "no recovery measured" + (missing > 0 ? ", " + missing + " faults not recovered" : "");
    }
    return "recovery after " + faults.size() + " faults: median " + seconds(Duration.ofMillis(ms.get(ms.size() / 2)))
        + ", max " + seconds(Duration.ofMillis(ms.get(ms.size() - 1)))
        + (missing > 0 ? ", " + missing + " NOT RECOVERED" : "");
  }

  /** Prints the faults and the audit. */
  public void print(PrintStream out, SinkAudit.Report report) {
    faults.forEach(f -> out.println(f.line()));
    out.println(recoverySummary());
    out.println(report.summary());
    out.println("checkpoint reads going backwards: " + checkpointRegressions.size());
    checkpointRegressions.stream().limit(20).forEach(r -> out.println("  " + r));
    out.println(report.clean() && checkpointRegressions.isEmpty() ? "RESULT: clean" : "RESULT: PROBLEMS FOUND");
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  @Override
  public void close() throws Exception {
    workload.close();
  }
}
