package io.kcdc.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.testkit.ChildProcess;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.Http;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Apicurio Registry (unpacked by the build into {@code target/apicurio}) as a child JVM on a free loopback port,
 * in-memory storage. {@link #ccompatUrl()} is its Confluent-compatible API; the small Confluent-protocol calls here
 * are the test's own view of the registry, independent of the code under test.
 */
public final class ApicurioRegistry implements AutoCloseable {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private final ChildProcess process;
  private final int port;
  private final Http http;

  private ApicurioRegistry(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
    this.http = Http.to(ccompatUrl()).withTimeout(Duration.ofSeconds(10))
        .withHeader("Content-Type", CONTENT_TYPE).withHeader("Accept", CONTENT_TYPE);
  }

  /** Launches the registry; {@link #awaitReady} waits for it, so other setup can run meanwhile. */
  public static ApicurioRegistry launch(Path workDir) throws IOException {
    Path home = Path.of(System.getProperty("apicurio.dir", "target/apicurio"));
    Path jar = home.resolve("apicurio-registry-app-" + System.getProperty("apicurio.version", "3.0.9") + "-runner.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the pre-integration-test phase (mvn verify)");
    }
    int port = FreePorts.pick();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Files.createDirectories(workDir);
    ChildProcess p = ChildProcess.start("apicurio", List.of(java.toString(), "-Xmx384m", "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port, "-Dquarkus.management.enabled=false", "-jar", jar.toAbsolutePath().toString()),
        workDir.resolve("apicurio.log"), workDir);
    return new ApicurioRegistry(p, port);
  }

  /** Waits until {@code /apis/ccompat/v7/subjects} answers. */
  public ApicurioRegistry awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Apicurio exited with " + process.exitValue() + ": " + process.logTail(8000));
      }
      try {
        if (http.get("/subjects").status() == 200) {
          return this;
        }
      } catch (ConnectException | HttpTimeoutException e) {
        // not listening yet, or listening before its routes answer (a slow start on a busy machine)
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("Apicurio did not answer within " + timeout + ": " + process.logTail(8000));
  }

  /** The Confluent-compatible API, as a {@code schema-registry} sink parameter. */
  public String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  /** {@code GET /schemas/ids/{id}}: the schema text of a global id. */
  public String schemaById(int id) throws IOException, InterruptedException {
    return json(http.get("/schemas/ids/" + id)).get("schema").textValue();
  }

  /** {@code GET /subjects}. */
  public List<String> subjects() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    json(http.get("/subjects")).forEach(n -> out.add(n.textValue()));
    return out;
  }

  /** {@code GET /subjects/{subject}/versions}. */
  public List<Integer> versions(String subject) throws IOException, InterruptedException {
    List<Integer> out = new ArrayList<>();
    json(http.get("/subjects/" + subject + "/versions")).forEach(n -> out.add(n.intValue()));
    return out;
  }

  /** {@code PUT /config/{subject}}: the subject's compatibility level, e.g. {@code BACKWARD}. */
  public void setCompatibility(String subject, String level) throws IOException, InterruptedException {
    json(http.put("/config/" + subject, "{\"compatibility\":\"" + level + "\"}"));
  }

  private static JsonNode json(Http.Response resp) throws IOException {
    if (resp.status() != 200) {
      throw new IOException("HTTP " + resp.status() + " " + resp.body());
    }
    return resp.json();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
