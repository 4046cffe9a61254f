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
        .contains("plugin.path=/opt/kcdc/plugins");
    assertThat(Files.readString(ROOT.resolve("docker/Dockerfile"))).contains(" /opt/kcdc/plugins/kcdc-connector-${VERSION}");
  }

  private static String arg(String dockerfile, String name) {
    Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)$").matcher(dockerfile);
    assertThat(m.find()).as("ARG " + name).isTrue();
    return m.group(1);
  }
}
