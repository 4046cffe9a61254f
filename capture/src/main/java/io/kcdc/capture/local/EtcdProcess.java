package io.kcdc.capture.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An etcd server as a child process (the {@code etcd} binary from the OS package), bound to
 * loopback. Captures keep their metadata in etcd as TiCDC does in PD's etcd.
 */
public final class EtcdProcess implements AutoCloseable {
  private final Process process;
  private final String clientUrl;

  private EtcdProcess(Process process, String clientUrl) {
    this.process = process;
    this.clientUrl = clientUrl;
  }

  /** Starts etcd with its data in {@code dataDir} and waits until it reports healthy. */
  public static EtcdProcess start(Path dataDir, int clientPort, int peerPort) throws IOException {
    int client = clientPort == 0 ? FreePorts.pick() : clientPort;
    int peer = peerPort == 0 ? FreePorts.pick() : peerPort;
    Files.createDirectories(dataDir);
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    Process p =
        new ProcessBuilder(
                List.of(
                    "etcd",
                    "--name", "cdc-etcd",
                    "--data-dir", dataDir.resolve("data").toString(),
                    "--listen-client-urls", clientUrl,
                    "--advertise-client-urls", clientUrl,
                    "--listen-peer-urls", peerUrl,
                    "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", "cdc-etcd=" + peerUrl,
                    "--initial-cluster-state", "new"))
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("etcd.log").toFile())
            .start();
    EtcdProcess etcd = new EtcdProcess(p, clientUrl);
    try {
      etcd.awaitHealthy(Duration.ofSeconds(30));
    } catch (IOException | RuntimeException e) {
      etcd.close();
      throw e;
    }
    return etcd;
  }

  private void awaitHealthy(Duration timeout) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + " before it was healthy");
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(clientUrl + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("true")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for etcd", e);
      }
      sleep(100);
    }
    throw new IOException("etcd was not healthy within " + timeout);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** e.g. {@code http://127.0.0.1:2389}. */
  public String clientUrl() {
    return clientUrl;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
