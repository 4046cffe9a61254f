package io.kcdc.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An etcd child process on free loopback ports with a temporary data directory. */
final class EtcdServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final String clientUrl;

  private EtcdServer(Process process, Path dir, String clientUrl) {
    this.process = process;
    this.dir = dir;
    this.clientUrl = clientUrl;
  }

  static EtcdServer start() throws Exception {
    Path dir = Files.createTempDirectory("etcd-it");
    String client = "http://127.0.0.1:" + freePort();
    String peer = "http://127.0.0.1:" + freePort();
    Process p = new ProcessBuilder(List.of("etcd", "--name", "it", "--data-dir", dir.resolve("data").toString(),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "it=" + peer, "--initial-cluster-state", "new"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("etcd.log").toFile())
        .start();
    EtcdServer server = new EtcdServer(p, dir, client);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        server.close();
        throw new IOException("etcd exited: " + Files.readString(dir.resolve("etcd.log")));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(client + "/health"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("true")) {
          return server;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(100);
    }
    server.close();
    throw new IOException("etcd did not become healthy");
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String clientUrl() {
    return clientUrl;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
