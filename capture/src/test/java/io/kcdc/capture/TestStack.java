package io.kcdc.capture;

import io.kcdc.capture.local.EtcdProcess;
import io.kcdc.capture.local.FileTrees;
import io.kcdc.capture.local.FreePorts;
import io.kcdc.capture.local.KafkaBroker;
import io.kcdc.upstream.EmbeddedUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The whole product on loopback for a test or a benchmark: etcd, a KRaft broker, the embedded
 * upstream and {@code n} captures, each with its own API; {@link #close()} stops them and removes
 * their files.
 */
final class TestStack implements AutoCloseable {
  final Path dir;
  final EtcdProcess etcd;
  final KafkaBroker kafka;
  final EmbeddedUpstream upstream;
  final List<CaptureServer> captures = new ArrayList<>();
  final List<TestApi> apis = new ArrayList<>();

  private TestStack(Path dir, EtcdProcess etcd, KafkaBroker kafka, EmbeddedUpstream upstream) {
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
    Path dir = Files.createTempDirectory("kcdc-" + name);
    TestStack s = null;
    try {
      EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"), 0, 0);
      KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0, 0);
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
        FileTrees.delete(dir);
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

  /**
   * Hands every record of the topic's partition, as a {@code read_committed} consumer sees it up to
   * the partition's current end, to {@code each}.
   */
  void readPartition(String topic, int partition, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    var p = new java.util.Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, partition);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        c.poll(Duration.ofMillis(500)).forEach(each);
      }
    }
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
    FileTrees.delete(dir);
  }
}
