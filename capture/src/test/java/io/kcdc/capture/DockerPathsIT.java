package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so docker/ is kept exact by checking it against the build: after
 * {@code mvn package} every path the Dockerfile copies from the build stage exists, and its versions
 * are the build's (the project version, the Kafka version of the stock Connect worker).
 */
class DockerPathsIT {
  private static final Path ROOT = Path.of("..");
  private static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

  @Test
  void everyPathTheDockerfileCopiesExistsAfterPackage() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
    assertThat(arg(dockerfile, "VERSION")).isEqualTo(VERSION);
    List<String> paths = new ArrayList<>();
    Matcher copy = Pattern.compile("COPY --from=build /src/(\\S+)").matcher(dockerfile);
    while (copy.find()) {
      paths.add(copy.group(1));
    }
    Matcher cp = Pattern.compile("cp (capture/target/\\S+) ").matcher(dockerfile);
    while (cp.find()) {
      paths.add(cp.group(1));
    }
    assertThat(paths).contains("docker/connect-distributed.properties")
        .anyMatch(p -> p.startsWith("connector/target/kcdc-connector-"));
    for (String p : paths) {
      Path resolved = ROOT.resolve(p.replace("${VERSION}", VERSION));
      assertThat(resolved).as(p).exists();
    }
    assertThat(ROOT.resolve("capture/target/classpath.txt")).exists();
    assertThat(ROOT.resolve("connector/target/kcdc-connector-" + VERSION + "/kcdc-connector-" + VERSION + "/lib"))
        .isDirectoryContaining(f -> f.getFileName().toString().equals("kcdc-connector-" + VERSION + ".jar"));
  }

  @Test
  void theConnectImageIsTheKafkaTheBuildRuns() throws Exception {
    String classpath = Files.readString(ROOT.resolve("stock-connect/target/classpath.txt"));
    Matcher m = Pattern.compile("connect-runtime-([0-9.]+)\\.jar").matcher(classpath);
    assertThat(m.find()).isTrue();
    String kafka = m.group(1);
    assertThat(arg(Files.readString(ROOT.resolve("docker/Dockerfile")), "KAFKA_VERSION")).isEqualTo(kafka);
    String compose = Files.readString(ROOT.resolve("docker/compose.yaml"));
    assertThat(compose).contains("image: apache/kafka:" + kafka);
    // the worker's plugin.path is where the Dockerfile puts the plugin
    assertThat(Files.readString(ROOT.resolve("docker/connect-distributed.properties")))
        .contains("plugin.path=/opt/kcdc/plugins")
        // the offsets topic that a restarted task reads from its start, kept small as the captures keep theirs
        .contains("offset.storage.segment.ms=" + io.kcdc.streams.progress.ReadFromStartTopics.SEGMENT_MS)
        .contains("offset.storage.delete.retention.ms=" + io.kcdc.streams.progress.ReadFromStartTopics.DELETE_RETENTION_MS);
    assertThat(Files.readString(ROOT.resolve("docker/Dockerfile"))).contains(" /opt/kcdc/plugins/kcdc-connector-${VERSION}");
  }

  /**
   * Every file compose.yaml mounts exists (Prometheus' config and TiCDC's alert rules, Grafana's provisioning and
   * the dashboard), Prometheus loads the rules where they are mounted and scrapes every capture and Streams service, and Grafana's
   * dashboard provider reads the directory the dashboard is mounted in.
   */
  @Test
  void theMonitoringServicesMountFilesThatExist() throws Exception {
    Path docker = ROOT.resolve("docker");
    com.fasterxml.jackson.databind.JsonNode compose =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(docker.resolve("compose.yaml").toFile());
    java.util.Map<String, String> mounts = new java.util.TreeMap<>();
    for (String service : List.of("prometheus", "grafana")) {
      assertThat(compose.path("services").path(service).path("image").asText()).as(service).isNotEmpty();
      for (com.fasterxml.jackson.databind.JsonNode v : compose.path("services").path(service).path("volumes")) {
        String[] parts = v.asText().split(":");
        assertThat(docker.resolve(parts[0])).as(v.asText()).exists();
        mounts.put(parts[1], parts[0]);
      }
    }
    assertThat(mounts).containsValues("./prometheus/ticdc.rules.yml", "./grafana/ticdc-kcdc.json",
        "./grafana/provisioning");
    com.fasterxml.jackson.databind.JsonNode prometheus = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
        .readTree(docker.resolve(mounts.get("/etc/prometheus/prometheus.yml")).toFile());
    String rules = prometheus.path("rule_files").get(0).asText();
    assertThat(mounts.get(rules)).isEqualTo("./prometheus/ticdc.rules.yml");
    List<String> scraped = new ArrayList<>();
    compose.path("services").fieldNames().forEachRemaining(n -> {
      if (n.startsWith("capture-")) {
        scraped.add(n + ":8300");
      }
      if (n.startsWith("streams-")) {
        assertThat(compose.path("services").path(n).path("command").toString()).as(n).contains("--addr=0.0.0.0:8400");
        scraped.add(n + ":8400");
      }
    });
    List<String> targets = new ArrayList<>();
    prometheus.findValues("targets").forEach(t -> t.forEach(x -> targets.add(x.asText())));
    assertThat(targets).containsExactlyInAnyOrderElementsOf(scraped);
    String dashboards = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
        .readTree(docker.resolve("grafana/provisioning/dashboards/kcdc.yml").toFile())
        .findValue("path").asText();
    assertThat(mounts).containsEntry(dashboards + "/ticdc-kcdc.json", "./grafana/ticdc-kcdc.json");
    assertThat(docker.resolve("grafana/provisioning/datasources/prometheus.yml")).content()
        .contains("url: http://prometheus:9090");
  }

  private static String arg(String dockerfile, String name) {
    Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)$").matcher(dockerfile);
    assertThat(m.find()).as("ARG " + name).isTrue();
    return m.group(1);
  }
}
