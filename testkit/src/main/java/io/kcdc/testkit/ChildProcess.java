package io.kcdc.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process this JVM started, its stdout and stderr appended to one log file. {@link #stop}
 * sends SIGTERM and {@link #kill} SIGKILL (what {@link Process#destroy} and
 * {@link Process#destroyForcibly} do on Linux, see docs/testkit.md), so a test can choose
 * between a clean shutdown and a crash.
 */
public final class ChildProcess implements AutoCloseable {
  /** How long {@link #close} lets the process shut down cleanly before it kills it. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} in {@code workDir} (null: this JVM's), appending its output to
   * {@code log} so a restarted process keeps the earlier runs' lines.
   */
  public static ChildProcess start(String name, List<String> command, Path log, Path workDir) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    return new ChildProcess(name, pb.start(), log);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Where stdout and stderr go. */
  public Path log() {
    return log;
  }

  /** The exit code; a process ended by a signal exits with 128 + the signal's number. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Whether the process ended within {@code timeout}. */
  public boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** SIGKILL, then waits until the process is gone (its ports and files are free after). */
  public void kill() {
    process.destroyForcibly();
    if (!waitFor(STOP_TIMEOUT)) {
      throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL for " + STOP_TIMEOUT);
    }
  }

  /** SIGTERM; SIGKILL when it has not ended within {@code timeout}. */
  public void stop(Duration timeout) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitFor(timeout)) {
      kill();
    }
  }

  /** The last {@code maxChars} characters of the log, for error messages. */
  public String logTail(int maxChars) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, f.length() - maxChars);
      byte[] tail = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(tail);
      return (from > 0 ? "..." : "") + new String(tail, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** {@link #stop} with {@link #STOP_TIMEOUT}; does nothing once the process has ended. */
  @Override
  public void close() {
    stop(STOP_TIMEOUT);
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }
}
