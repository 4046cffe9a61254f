package io.kcdc.capture;

import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.testkit.TempDirs;
import io.kcdc.upstream.EmbeddedUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The whole product on loopback for a test or a benchmark: etcd, a KRaft broker, the embedded
 * upstream and {@code n} captures, each with its own API; {@link #close()} stops them and removes
 * their files.
 */
final class TestStack implements AutoCloseable {
  final Path dir;
  final Etcd etcd;
  final Kafka kafka;
  final EmbeddedUpstream upstream;
  final List<CaptureServer> captures = new ArrayList<>();
  final List<TestApi> apis = new ArrayList<>();

  private TestStack(Path dir, Etcd etcd, Kafka kafka, EmbeddedUpstream upstream) {
    this.dir = dir;
    this.etcd = etcd;
    this.kafka = kafka;
    this.upstream = upstream;
  }

  /**
   * @param rowPartitions partitions of each changefeed's internal topic
   * @param tasksMax connector tasks per changefeed
   */
  static TestStack start(String name, int captures, int rowPartitions, int tasksMax) throws Exception {
    Path dir = TempDirs.create(name);
    TestStack s = null;
    try {
      Etcd etcd = Etcd.builder().dataDir(dir.resolve("etcd")).build().start();
      Kafka kafka = Kafka.builder().dataDir(dir.resolve("kafka")).build().start();
      EmbeddedUpstream upstream = EmbeddedUpstream.builder().pdPort(0).mysqlPort(0)
          .resolvedTsInterval(Duration.ofMillis(200)).build().start();
      s = new TestStack(dir, etcd, kafka, upstream);
      for (int i = 0; i < captures; i++) {
        int apiPort = FreePorts.pick();
        s.captures.add(CaptureServer.start(new CaptureServer.Settings(
            "default", "127.0.0.1:" + apiPort, null, List.of(upstream.pdAddress()), List.of(etcd.clientUrl()),
            kafka.bootstrapServers(), dir.resolve("capture" + i), "127.0.0.1", FreePorts.pick(), (short) 1,
            rowPartitions, tasksMax)));
        s.apis.add(new TestApi("http://127.0.0.1:" + apiPort));
      }
      return s;
    } catch (Exception | Error e) {
      if (s != null) {
        s.close();
      } else {
        TempDirs.delete(dir);
      }
      throw e;
    }
  }

  /** The first capture's API. */
  TestApi api() {
    return apis.get(0);
  }

  /** Stops capture {@code i} (the others take over its work). */
  void stopCapture(int i) throws Exception {
    CaptureServer c = captures.set(i, null);
    if (c != null) {
      c.close();
    }
  }

  /** Every record of the topic's partitions (all when none is given), as a {@code read_committed} consumer sees it now. */
  List<ConsumerRecord<byte[], byte[]>> read(String topic, int... partitions) {
    return PartitionReader.readAll(kafka.bootstrapServers(), topic, partitions);
  }

  @Override
  public void close() throws Exception {
    for (CaptureServer c : captures) {
      if (c != null) {
        c.close();
      }
    }
    for (AutoCloseable c : new AutoCloseable[] {upstream, kafka, etcd}) {
      if (c != null) {
        c.close();
      }
    }
    TempDirs.delete(dir);
  }
}
