package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.capture.chaos.ChaosRun;
import io.kcdc.capture.chaos.SinkAudit;
import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.TempDirs;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.Http;
import io.kcdc.upstream.EmbeddedUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees under real crashes: three capture processes under a steady write load are killed
 * with SIGKILL (the owner among them) and started again a second later, as a supervisor would; the
 * owner is frozen (SIGSTOP) until it is replaced and then woken up; the Kafka broker is killed and
 * started again, and etcd is stopped and started. An independent
 * read_committed consumer ({@link SinkAudit}) must find every committed change exactly once, in per-key
 * commit order, every DDL once and in its place, and watermarks that never pass a later row; every
 * fault must be followed by the checkpoint moving past it, within a recovery timeout shorter than the Streams
 * transaction timeout the captures run with, so a dead capture's open transactions must have been fenced. The
 * recovery times are printed (the
 * figure for people is {@code cdc chaos} against the playground; here they only have to recover).
 */
class CrashIT {
  private static final int CAPTURES = 3;

  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void killedCapturesBrokerAndEtcdLoseNothingAndRepeatNothing() throws Exception {
    // Under target/ and kept when the test fails: the captures' logs tell what happened.
    Path dir = java.nio.file.Files.createDirectories(Path.of("target", "crash-it")).toAbsolutePath();
    TempDirs.deleteQuietly(dir);
    Etcd etcd = Etcd.builder().dataDir(dir.resolve("etcd")).build().start();
    started.add(etcd);
    Kafka kafka = Kafka.builder().dataDir(dir.resolve("kafka")).inChildJvm("512m")
        .build().start();
    started.add(kafka);
    EmbeddedUpstream upstream = EmbeddedUpstream.builder().pdPort(0).mysqlPort(0)
        .resolvedTsInterval(Duration.ofMillis(200)).build().start();
    started.add(upstream);
    List<CaptureSupervisor> captures = new ArrayList<>();
    started.add(() -> captures.forEach(CaptureSupervisor::close));
    for (int i = 0; i < CAPTURES; i++) {
      String api = "127.0.0.1:" + FreePorts.pick();
      captures.add(CaptureSupervisor.start(new CaptureSupervisor.Spec(i, api, "768m", List.of(
          "--addr", api,
          "--connect-addr", "127.0.0.1:" + FreePorts.pick(),
          "--pd", upstream.pdAddress(),
          "--etcd", etcd.clientUrl(),
          "--kafka", kafka.bootstrapServers(),
          "--data-dir", dir.resolve("capture-" + i).toString(),
          "--replication-factor", "1",
          "--internal-partitions", "4",
          "--tasks-max", "2",
          "--kafka-session-timeout", "3s",
          // longer than the recovery timeout: a killed or frozen capture's open Streams transaction has to be
          // fenced by the owner (docs/crash-recovery.md#fencing-a-dead-captures-transactions), not timed out
          "--kafka-transaction-timeout", "150s",
          "--capture-session-ttl", "3"), dir.resolve("capture-" + i + ".log"), List.of()), System.out));
    }
    for (CaptureSupervisor c : captures) {
      c.awaitReady(Duration.ofMinutes(3));
    }
    String api = captures.get(0).spec().apiAddr();

    try (ChaosRun chaos = new ChaosRun(new ChaosRun.Settings(upstream.jdbcUrl(), api, kafka.bootstrapServers(),
        "crash", "crash-sink", "crash", 3, 80, Duration.ofSeconds(20), 3, Duration.ofMinutes(2), 20261202))) {
      chaos.prepare();
      chaos.startLoad();
      for (boolean owner : new boolean[] {false, true, false, true}) {
        chaos.awaitWholeCluster(Duration.ofMinutes(5));
        Thread.sleep(5_000);
        System.out.println(chaos.killCapture(owner).line());
      }

      // A frozen owner is replaced; woken up, it must not write a barrier, DDL, watermark or checkpoint.
      chaos.awaitWholeCluster(Duration.ofMinutes(5));
      Thread.sleep(5_000);
      System.out.println(chaos.pauseCapture(true, Duration.ofSeconds(12)).line());

      chaos.awaitWholeCluster(Duration.ofMinutes(5));
      Thread.sleep(5_000);
      Instant brokerKilled = Instant.now();
      kafka.kill();
      Thread.sleep(2_000);
      kafka.start();
      System.out.println(chaos.afterFault("kill -9 and restart of the Kafka broker", brokerKilled).line());

      chaos.awaitWholeCluster(Duration.ofMinutes(5));
      for (CaptureSupervisor c : captures) {
        c.awaitReady(Duration.ofMinutes(3));
      }
      Thread.sleep(5_000);
      Instant etcdStopped = Instant.now();
      etcd.stop();
      // While etcd is down every capture still answers, with TiCDC's error body where etcd is needed.
      for (CaptureSupervisor c : captures) {
        Http.Response r = Http.to("http://" + c.spec().apiAddr()).withTimeout(Duration.ofSeconds(40))
            .get("/api/v2/changefeeds");
        assertThat(r.status()).as("GET /changefeeds without etcd").isGreaterThanOrEqualTo(500);
        JsonNode body = r.json();
        assertThat(body.path("error_code").asText()).startsWith("CDC:Err");
        assertThat(body.path("error_msg").asText()).isNotEmpty();
      }
      Thread.sleep(3_000);
      etcd.start();
      System.out.println(chaos.afterFault("etcd stopped for the time of three API calls and started again", etcdStopped)
          .line());

      Thread.sleep(8_000);
      SinkAudit.Report report = chaos.finish();
      chaos.print(System.out, report);
      assertThat(chaos.faults()).allSatisfy(f -> assertThat(f.recovery()).as(f.what()).isPresent());
      assertThat(report.committed()).isGreaterThan(1000);
      assertThat(report.clean()).as(report.summary()).isTrue();
      assertThat(chaos.checkpointRegressions()).as("checkpoints read during the run").isEmpty();
    }
    started.add(0, () -> TempDirs.deleteQuietly(dir));
  }
}
