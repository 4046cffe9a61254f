package io.kcdc.streams.tablesink;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.TableProgress;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.sink.DmlProducer;
import io.kcdc.streams.sink.KafkaSendException;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkUri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink on another Kafka cluster: the released rows go to the task's {@link DmlProducer} (not the sink node), the
 * progress only after the producer's flush succeeded, and a failed send stops the processing without progress.
 */
class OtherClusterSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);

  @TempDir Path dir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> rows;
  private TestOutputTopic<byte[], byte[]> sinkNode;
  private TestOutputTopic<byte[], byte[]> progress;
  private final List<String> taskIds = new ArrayList<>();

  /** Acknowledges (or fails) every pending record only on flush, like a producer waiting for the sink cluster. */
  private static final class FlushingProducer extends MockProducer<byte[], byte[]> {
    RuntimeException failOnFlush;

    FlushingProducer() {
      super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized void flush() {
      if (failOnFlush == null) {
        super.flush();
        return;
      }
      while (errorNext(failOnFlush)) {
        // fail every pending record
      }
    }
  }

  private void start(FlushingProducer producer) throws Exception {
    ChangefeedStreams.Config config = ChangefeedStreams.Config.of("unused:9092", "default", "cf1",
        Files.createDirectories(dir.resolve("state")), SinkUri.parse("kafka://other:9092/out?protocol=canal-json"),
        SinkConfig.empty());
    EventRouter router = new EventRouter(List.of(), "out", "canal-json", false);
    var plan = new SinkPlan(router, () -> new CanalJsonEncoder(EncoderConfig.defaults()), topic -> 3,
        true).withDmlProducer(taskId -> {
          taskIds.add(taskId);
          return new DmlProducer(producer);
        });
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    driver = new TopologyTestDriver(ChangefeedStreams.topology(config, plan), p);
    rows = driver.createInputTopic(config.internalTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    sinkNode = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    progress = driver.createOutputTopic(config.progressTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    rows.pipeInput(null, barrier(Long.MAX_VALUE));
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void rowsGoThroughTheProducerAndProgressFollowsTheAcks() throws Exception {
    FlushingProducer producer = new FlushingProducer();
    start(producer);
    rows.pipeInput(tableKey(1), encode(testT(1, 1)));
    rows.pipeInput(tableKey(1), encode(insert(1, 25, 30, 3)));
    rows.pipeInput(tableKey(1), encode(insert(1, 5, 10, 1)));
    rows.pipeInput(tableKey(1), encode(insert(1, 15, 20, 2)));
    rows.pipeInput(tableKey(1), resolved(1, 20));

    assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly("out");
    assertThat(producer.history()).extracting(ProducerRecord::partition).containsOnly(1); // crc32("testt") % 3
    assertThat(producer.history()).extracting(r -> JSON.readTree(r.value()).get("data").get(0).get("id").asText())
        .containsExactly("1", "2");
    assertThat(producer.history()).allSatisfy(r -> assertThat(r.key()).isNull());
    assertThat(producer.completeNext()).isFalse(); // everything acknowledged before the progress
    assertThat(sinkNode.isEmpty()).isTrue();
    TableProgress p = PROGRESS.decode(progress.readValue());
    assertThat(p.getCheckpointTs()).isEqualTo(20);
    assertThat(taskIds).containsExactly("0_0");
  }

  @Test
  void aFailedSendStopsTheTaskWithoutProgress() throws Exception {
    FlushingProducer producer = new FlushingProducer();
    producer.failOnFlush = new RecordTooLargeException("too large for the sink topic");
    start(producer);
    rows.pipeInput(tableKey(1), encode(testT(1, 1)));
    rows.pipeInput(tableKey(1), encode(insert(1, 5, 10, 1)));
    assertThatThrownBy(() -> rows.pipeInput(tableKey(1), resolved(1, 20))).isInstanceOf(StreamsException.class)
        .hasRootCauseInstanceOf(RecordTooLargeException.class)
        .satisfies(e -> assertThat(e.getCause()).isInstanceOf(KafkaSendException.class)
            .hasMessageStartingWith("[CDC:ErrKafkaAsyncSendMessage]"));
    assertThat(progress.isEmpty()).isTrue();
  }

  @Test
  void theProducerWritesToTheSinkBrokersWithAcksFromAllReplicas() {
    KafkaSinkOptions options = KafkaSinkOptions.of(
        SinkUri.parse("kafka://b1:9092,b2:9092/out?protocol=canal-json&max-message-bytes=4194304"), SinkConfig.empty());
    var props = DmlProducer.properties(options, "client-1");
    assertThat(props).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "b1:9092,b2:9092")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "client-1");
    assertThat((Integer) props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)).isGreaterThan(4194304)
        .isLessThan(4194304 + 1024);
  }
}
