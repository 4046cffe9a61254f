package io.kcdc.capture;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Prometheus server for {@code cdc playground --prometheus} (docs/metrics.md): the installed {@code prometheus}
 * binary, on a loopback port, scraping every capture's {@code /metrics} with TiCDC's alert rules
 * (docker/prometheus/ticdc.rules.yml) loaded. Closing stops it.
 */
final class PlaygroundPrometheus implements AutoCloseable {
  /** Where Debian's {@code prometheus} package installs the server. */
  static final Path DEFAULT_BINARY = Path.of("/usr/bin/prometheus");
  static final String NOT_INSTALLED = "--prometheus needs the Prometheus server at %s, which is not installed; "
      + "install it with `apt-get install prometheus`";
  private static final String RULES = "prometheus/ticdc.rules.yml";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final URI url;

  private PlaygroundPrometheus(Process process, URI url) {
    this.process = process;
    this.url = url;
  }

  /** Refuses {@code --prometheus} up front when {@code binary} is not there. */
  static void requireInstalled(Path binary) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalArgumentException(NOT_INSTALLED.formatted(binary));
    }
  }

  /**
   * Starts {@code binary} on {@code 127.0.0.1:port}, its config, rules and data under {@code dir}, scraping
   * {@code captures} ({@code host:port} of each capture's API) every second; returns once it is ready.
   */
  static PlaygroundPrometheus start(Path binary, Path dir, int port, List<String> captures)
      throws IOException, InterruptedException {
    requireInstalled(binary);
    Files.createDirectories(dir);
    Path rules = dir.resolve("ticdc.rules.yml");
    try (InputStream in = PlaygroundPrometheus.class.getResourceAsStream(RULES)) {
      if (in == null) {
        throw new IllegalStateException("the alert rules " + RULES + " are not on the classpath");
      }
      Files.copy(in, rules, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, config(captures, rules));
    Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    PlaygroundPrometheus prometheus = new PlaygroundPrometheus(p, URI.create("http://127.0.0.1:" + port + "/"));
    try {
      prometheus.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  /** The scrape config: one job {@code ticdc} (the job name of TiCDC's dashboards) over the captures. */
  static String config(List<String> captures, Path rules) {
    String targets = captures.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", "));
    return """
        global:
          scrape_interval: 1s
          evaluation_interval: 5s
        rule_files:
          - '%s'
        scrape_configs:
          - job_name: ticdc
            metrics_path: /metrics
            static_configs:
              - targets: [%s]
        """.formatted(rules, targets);
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited with " + process.exitValue() + " (see its log)");
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url.resolve("-/ready")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("prometheus was not ready within " + READY_TIMEOUT);
      }
      Thread.sleep(200);
    }
  }

  /** Its web UI and HTTP API, e.g. {@code http://127.0.0.1:9090/}. */
  URI url() {
    return url;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
