package io.kcdc.capture;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one capture as a child {@code cdc server} process and starts it again about a second after it
 * dies, as systemd's {@code Restart=always} or a Kubernetes pod would: the playground's captures can
 * be killed with SIGKILL like production ones. The child's output is appended to its log file, so
 * one file holds every incarnation.
 */
final class CaptureSupervisor implements AutoCloseable {
  /** What a supervisor waits before starting a dead capture again. */
  static final Duration RESTART_DELAY = Duration.ofSeconds(1);

  /**
   * One supervised capture.
   *
   * @param index 0-based; shown as the capture's name
   * @param apiAddr {@code host:port} of its OpenAPI v2 ({@code --addr})
   * @param heap the child's {@code -Xmx}, e.g. {@code 2g}
   * @param serverArgs the arguments after {@code server}
   * @param logFile where the child's stdout and stderr go (appended)
   * @param jvmOptions more JVM options (a flight recording, say)
   */
  record Spec(int index, String apiAddr, String heap, List<String> serverArgs, Path logFile, List<String> jvmOptions) {
    Spec {
      serverArgs = List.copyOf(serverArgs);
      jvmOptions = List.copyOf(jvmOptions);
    }

    List<String> command() {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx" + heap);
      // A capture that runs out of memory exits and is started again instead of limping on.
      cmd.add("-XX:+ExitOnOutOfMemoryError");
      // ... and leaves a heap dump beside its log, to show what filled the heap
      cmd.add("-XX:+HeapDumpOnOutOfMemoryError");
      cmd.add("-XX:HeapDumpPath=" + logFile.toAbsolutePath().getParent());
      cmd.addAll(jvmOptions);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(CdcMain.class.getName());
      cmd.add("server");
      cmd.addAll(serverArgs);
      return cmd;
    }
  }

  private final Spec spec;
  private final PrintStream out;
  private final Thread thread;
  private volatile Process process;
  private volatile boolean closing;
  private int restarts;

  private CaptureSupervisor(Spec spec, PrintStream out) {
    this.spec = spec;
    this.out = out;
    this.thread = new Thread(this::supervise, "capture-supervisor-" + spec.index());
    this.thread.setDaemon(true);
  }

  /** Starts the capture process and the thread that restarts it. */
  static CaptureSupervisor start(Spec spec, PrintStream out) throws IOException {
    CaptureSupervisor s = new CaptureSupervisor(spec, out);
    s.launch();
    s.thread.start();
    return s;
  }

  private void launch() throws IOException {
    Process p = new ProcessBuilder(spec.command())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
        .start();
    process = p;
    out.printf("[playground] capture %d: API http://%s, pid %d, log %s%n", spec.index(), spec.apiAddr(), p.pid(),
        spec.logFile());
    out.flush();
  }

  private void supervise() {
    while (!closing) {
      Process p = process;
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        return;
      }
      if (closing) {
        return;
      }
      synchronized (this) {
        restarts++;
      }
      out.printf("[playground] %s capture %d (pid %d) exited with code %d; starting it again in %d s (restart %d)%n",
          LocalTime.now().truncatedTo(ChronoUnit.MILLIS), spec.index(), p.pid(), code, RESTART_DELAY.toSeconds(),
          restarts);
      out.flush();
      try {
        Thread.sleep(RESTART_DELAY.toMillis());
        if (!closing) {
          launch();
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        out.printf("[playground] capture %d could not be started: %s%n", spec.index(), e.getMessage());
      }
    }
  }

  Spec spec() {
    return spec;
  }

  /** How often the capture died and was started again. */
  synchronized int restarts() {
    return restarts;
  }

  /** The current incarnation's process id. */
  long pid() {
    return process.pid();
  }

  /** Waits until the capture's API answers {@code GET /api/v2/status}. */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest status = HttpRequest.newBuilder(URI.create("http://" + spec.apiAddr() + "/api/v2/status"))
        .timeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (http.send(status, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IOException("capture " + spec.index() + " did not answer on " + spec.apiAddr() + " within " + timeout
        + "; see " + spec.logFile());
  }

  /** Stops restarting, asks the capture to stop (SIGTERM) and kills it if it has not within 30 s. */
  @Override
  public void close() {
    closing = true;
    thread.interrupt();
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }
}
