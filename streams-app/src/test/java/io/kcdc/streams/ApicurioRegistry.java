package io.kcdc.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Apicurio Registry (unpacked by the build into {@code target/apicurio}) as a child JVM on a free loopback port,
 * in-memory storage. {@link #ccompatUrl()} is its Confluent-compatible API; the small Confluent-protocol calls here
 * are the test's own view of the registry, independent of the code under test.
 */
public final class ApicurioRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private ApicurioRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Launches the registry; {@link #awaitReady} waits for it, so other setup can run meanwhile. */
  public static ApicurioRegistry launch(Path workDir) throws IOException {
    Path home = Path.of(System.getProperty("apicurio.dir", "target/apicurio"));
    Path jar = home.resolve("apicurio-registry-app-" + System.getProperty("apicurio.version", "3.0.9") + "-runner.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the pre-integration-test phase (mvn verify)");
    }
    int port = freePort();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Files.createDirectories(workDir);
    Path log = workDir.resolve("apicurio.log");
    Process p = new ProcessBuilder(java.toString(), "-Xmx384m", "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port, "-Dquarkus.management.enabled=false", "-jar", jar.toString())
        .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ApicurioRegistry(p, port, log);
  }

  /** Waits until {@code /apis/ccompat/v7/subjects} answers. */
  public ApicurioRegistry awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Apicurio exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        if (get("/subjects").statusCode() == 200) {
          return this;
        }
      } catch (ConnectException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("Apicurio did not answer within " + timeout + ": " + Files.readString(log));
  }

  /** The Confluent-compatible API, as a {@code schema-registry} sink parameter. */
  public String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  /** {@code GET /schemas/ids/{id}}: the schema text of a global id. */
  public String schemaById(int id) throws IOException, InterruptedException {
    return json(get("/schemas/ids/" + id)).get("schema").textValue();
  }

  /** {@code GET /subjects}. */
  public List<String> subjects() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    json(get("/subjects")).forEach(n -> out.add(n.textValue()));
    return out;
  }

  /** {@code GET /subjects/{subject}/versions}. */
  public List<Integer> versions(String subject) throws IOException, InterruptedException {
    List<Integer> out = new ArrayList<>();
    json(get("/subjects/" + subject + "/versions")).forEach(n -> out.add(n.intValue()));
    return out;
  }

  /** {@code PUT /config/{subject}}: the subject's compatibility level, e.g. {@code BACKWARD}. */
  public void setCompatibility(String subject, String level) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/config/" + subject))
        .header("Content-Type", CONTENT_TYPE)
        .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}")).build();
    json(http.send(req, HttpResponse.BodyHandlers.ofString()));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(ccompatUrl() + path)).timeout(Duration.ofSeconds(10))
        .header("Accept", CONTENT_TYPE).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> resp) throws IOException {
    if (resp.statusCode() != 200) {
      throw new IOException(resp.request().uri() + ": HTTP " + resp.statusCode() + " " + resp.body());
    }
    return JSON.readTree(resp.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
