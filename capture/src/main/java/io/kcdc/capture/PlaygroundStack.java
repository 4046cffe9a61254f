package io.kcdc.capture;

import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.Kafka;
import io.kcdc.upstream.EmbeddedUpstream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the playground runs: etcd, a Kafka broker and the embedded upstream in this process, and captures as
 * supervised child {@code cdc server} processes. Used by {@code cdc playground} and {@code cdc bench}.
 */
final class PlaygroundStack implements AutoCloseable {
  /**
   * Where and how it runs.
   *
   * @param captureArgs extra {@code cdc server} arguments of every capture
   */
  record Settings(Path dir, int pdPort, int mysqlPort, int adminPort, int etcdPort, int etcdPeerPort, int kafkaPort,
      int kafkaControllerPort, int apiPort, int connectPort, int captures, String captureHeap,
      Duration resolvedTsInterval, List<String> captureArgs) {
    Settings {
      captureArgs = List.copyOf(captureArgs);
    }
  }

  private final Settings settings;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final List<CaptureSupervisor> supervisors = new ArrayList<>();
  private Etcd etcd;
  private Kafka kafka;
  private EmbeddedUpstream upstream;

  private PlaygroundStack(Settings settings) {
    this.settings = settings;
  }

  /** Starts everything and waits until every capture's API answers; stops what it started if one part fails. */
  static PlaygroundStack start(Settings s, PrintStream out) throws Exception {
    PlaygroundStack stack = new PlaygroundStack(s);
    try {
      stack.etcd = Etcd.builder().dataDir(s.dir().resolve("etcd")).clientPort(s.etcdPort()).peerPort(s.etcdPeerPort())
          .build().start();
      stack.started.add(stack.etcd);
      stack.kafka = Kafka.builder().dataDir(s.dir().resolve("kafka")).port(s.kafkaPort())
          .controllerPort(s.kafkaControllerPort()).build().start();
      stack.started.add(stack.kafka);
      stack.upstream = EmbeddedUpstream.builder().pdPort(s.pdPort()).mysqlPort(s.mysqlPort()).adminPort(s.adminPort())
          .resolvedTsInterval(s.resolvedTsInterval()).build().start();
      stack.started.add(stack.upstream);
      stack.started.add(() -> closeAll(stack.supervisors));
      for (int i = 0; i < s.captures(); i++) {
        stack.supervisors.add(CaptureSupervisor.start(stack.captureSpec(i), out));
      }
      for (CaptureSupervisor c : stack.supervisors) {
        c.awaitReady(Duration.ofMinutes(3));
      }
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  /** Capture {@code i}: API on {@code apiPort + i}, Connect REST on {@code connectPort + i}, its own data dir. */
  private CaptureSupervisor.Spec captureSpec(int i) {
    String api = apiAddress(i);
    List<String> args = new ArrayList<>(List.of(
        "--addr", api,
        "--connect-addr", "127.0.0.1:" + (settings.connectPort() + i),
        "--pd", upstream.pdAddress(),
        "--etcd", etcd.clientUrl(),
        "--kafka", kafka.bootstrapServers(),
        "--data-dir", settings.dir().resolve("capture-" + i).toString(),
        "--replication-factor", "1"));
    args.addAll(settings.captureArgs());
    return new CaptureSupervisor.Spec(i, api, settings.captureHeap(), args, settings.dir().resolve("capture-" + i + ".log"));
  }

  String apiAddress(int capture) {
    return "127.0.0.1:" + (settings.apiPort() + capture);
  }

  Etcd etcd() {
    return etcd;
  }

  Kafka kafka() {
    return kafka;
  }

  EmbeddedUpstream upstream() {
    return upstream;
  }

  List<CaptureSupervisor> captures() {
    return List.copyOf(supervisors);
  }

  /** Stops every capture at once (each may take a while to leave its groups). */
  private static void closeAll(List<CaptureSupervisor> supervisors) throws InterruptedException {
    List<Thread> stopping = new ArrayList<>();
    for (CaptureSupervisor s : supervisors) {
      Thread t = new Thread(s::close, "stop-capture-" + s.spec().index());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      t.join();
    }
  }

  /** Stops what was started, last first. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.out.println("[playground] stopping " + started.get(i).getClass().getSimpleName() + " failed: " + e);
      }
    }
    started.clear();
  }
}
