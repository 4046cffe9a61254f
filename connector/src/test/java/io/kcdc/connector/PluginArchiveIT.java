package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin archive {@code mvn package} builds (docs/connect-plugin.md): its layout, its manifest,
 * its config reference, and that the connector loads from its {@code lib/} alone in a class loader
 * that, like Connect's plugin isolation, sees only Kafka's and slf4j's classes of the worker.
 */
class PluginArchiveIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");
  private static final String BASE = "kcdc-connector-" + VERSION + "/";

  @TempDir static Path unpacked;
  static Path zip;
  static List<String> entries;

  @BeforeAll
  static void unpack() throws IOException {
    zip = Path.of("target", "kcdc-connector-" + VERSION + ".zip");
    assertThat(zip).exists();
    entries = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        entries.add(e.getName());
        Path out = unpacked.resolve(e.getName()).normalize();
        assertThat(out.startsWith(unpacked)).as(e.getName()).isTrue();
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out);
        }
      }
    }
  }

  private static Path plugin() {
    return unpacked.resolve(BASE);
  }

  @Test
  void oneDirectoryWithManifestLibAndDoc() throws IOException {
    assertThat(entries).allMatch(e -> e.startsWith(BASE));
    assertThat(entries).contains(BASE + "manifest.json", BASE + "doc/config-reference.rst",
        BASE + "lib/kcdc-connector-" + VERSION + ".jar", BASE + "lib/kcdc-common-" + VERSION + ".jar",
        BASE + "lib/kcdc-avro-schemas-" + VERSION + ".jar");
    // the prewrite spill's RocksDB and the gRPC transport come along; the worker has neither
    assertThat(libJars()).anyMatch(j -> j.startsWith("rocksdbjni-"))
        .anyMatch(j -> j.startsWith("grpc-netty-")).anyMatch(j -> j.startsWith("protobuf-java-"))
        .anyMatch(j -> j.startsWith("avro-"));

    JsonNode manifest = JSON.readTree(plugin().resolve("manifest.json").toFile());
    assertThat(manifest.path("name").asText()).isEqualTo("connector");
    assertThat(manifest.path("owner").path("username").asText()).isEqualTo("kcdc");
    assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
    assertThat(manifest.path("component_types").toString()).isEqualTo("[\"source\"]");
  }

  @Test
  void noJarCarriesTheWorkersOwnClasses() throws IOException {
    for (String jar : libJars()) {
      assertThat(jar).doesNotStartWith("kafka-").doesNotStartWith("connect-").doesNotStartWith("slf4j-");
      try (ZipFile z = new ZipFile(plugin().resolve("lib").resolve(jar).toFile())) {
        assertThat(z.stream().map(ZipEntry::getName))
            .as(jar).noneMatch(n -> n.startsWith("org/apache/kafka/") || n.startsWith("org/slf4j/"));
      }
    }
  }

  @Test
  void configReferenceListsEverySetting() throws IOException {
    String rst = Files.readString(plugin().resolve("doc/config-reference.rst"));
    assertThat(rst).isEqualTo(ConfigReference.rst());
    for (String name : TiCdcSourceConfig.CONFIG_DEF.names()) {
      assertThat(rst).contains("``" + name + "``");
    }
    assertThat(rst).doesNotContain("$$Lambda");
  }

  @Test
  void connectorLoadsFromLibAlone() throws Exception {
    URL[] urls = libJars().stream().map(j -> url(plugin().resolve("lib").resolve(j))).toArray(URL[]::new);
    try (URLClassLoader isolated = new URLClassLoader("kcdc-plugin", urls, new WorkerClassesOnly())) {
      List<SourceConnector> found = ServiceLoader.load(SourceConnector.class, isolated).stream()
          .map(ServiceLoader.Provider::get).toList();
      assertThat(found).hasSize(1);
      SourceConnector connector = found.get(0);
      assertThat(connector.getClass().getName()).isEqualTo(TiCdcSourceConnector.class.getName());
      assertThat(connector.getClass().getClassLoader()).isSameAs(isolated);
      assertThat(connector.version()).isEqualTo(VERSION);
      ConfigDef def = connector.config();
      assertThat(def.names()).isEqualTo(TiCdcSourceConfig.CONFIG_DEF.names());

      // Link every class of our jars: a dependency missing from lib/ fails here as it would in the worker.
      Set<String> linked = new TreeSet<>();
      for (String jar : libJars()) {
        if (!jar.startsWith("kcdc-")) {
          continue;
        }
        try (ZipFile z = new ZipFile(plugin().resolve("lib").resolve(jar).toFile())) {
          for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
            String n = e.nextElement().getName();
            if (n.endsWith(".class") && !n.equals("module-info.class")) {
              Class<?> c = Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, isolated);
              c.getDeclaredMethods();
              c.getDeclaredFields();
              linked.add(c.getName());
            }
          }
        }
      }
      assertThat(linked).contains(TiCdcSourceTask.class.getName(), "io.kcdc.connector.puller.PrewriteSpill");
    }
  }

  private static List<String> libJars() throws IOException {
    try (Stream<Path> s = Files.list(plugin().resolve("lib"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
    }
  }

  private static URL url(Path p) {
    try {
      return p.toUri().toURL();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The worker's side of the isolation: Kafka's and slf4j's classes, nothing else of this build. */
  private static final class WorkerClassesOnly extends ClassLoader {
    WorkerClassesOnly() {
      super("worker", ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (name.startsWith("org.apache.kafka.") || name.startsWith("org.slf4j.")) {
        return PluginArchiveIT.class.getClassLoader().loadClass(name);
      }
      throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
      return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
      return java.util.Collections.emptyEnumeration();
    }
  }
}
