package io.kcdc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signals a test relies on: stop is SIGTERM (exit 128+15), kill is SIGKILL (128+9). */
class ChildProcessTest {
  @TempDir Path dir;

  @Test
  void stopSendsSigtermAndKillSendsSigkill() throws Exception {
    // The shell reports SIGTERM in its log and exits 143 itself; SIGKILL cannot be caught.
    String script = "trap 'echo got TERM; exit 143' TERM; echo started; while true; do sleep 0.1; done";
    ChildProcess term = ChildProcess.start("sh", List.of("sh", "-c", script), dir.resolve("term.log"), dir);
    awaitLog(term, "started");
    assertThat(term.pid()).isPositive();
    term.stop(Duration.ofSeconds(10));
    assertThat(term.isAlive()).isFalse();
    assertThat(term.exitValue()).isEqualTo(143);
    assertThat(Files.readString(term.log())).contains("got TERM");

    ChildProcess killed = ChildProcess.start("sh", List.of("sh", "-c", script), dir.resolve("kill.log"), dir);
    awaitLog(killed, "started");
    killed.kill();
    assertThat(killed.isAlive()).isFalse();
    assertThat(killed.exitValue()).isEqualTo(128 + 9);
    assertThat(Files.readString(killed.log())).doesNotContain("got TERM");
    killed.close();
  }

  @Test
  void stopEscalatesToSigkillAndTheLogIsAppended() throws Exception {
    Path log = dir.resolve("stubborn.log");
    Files.writeString(log, "earlier run\n");
    ChildProcess p = ChildProcess.start("sh", List.of("sh", "-c",
        "trap '' TERM; echo ignoring; while true; do sleep 0.1; done"), log, null);
    awaitLog(p, "ignoring");
    p.stop(Duration.ofMillis(500));
    assertThat(p.exitValue()).isEqualTo(128 + 9);
    assertThat(Files.readString(log)).startsWith("earlier run\nignoring");
    assertThat(p.logTail(9)).isEqualTo("...ignoring\n");
  }

  private static void awaitLog(ChildProcess p, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.readString(p.log()).contains(text)) {
      assertThat(System.nanoTime()).as("%s in %s", text, p.log()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
