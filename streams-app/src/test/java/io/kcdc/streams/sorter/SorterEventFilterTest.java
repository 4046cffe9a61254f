package io.kcdc.streams.sorter;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableProgress;
import io.kcdc.common.config.ReplicaConfig.EventFilterRule;
import io.kcdc.common.config.ReplicaConfig.FilterConfig;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.sink.SinkConfigException;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.tablesink.SinkPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event filters in the sorter: ignored rows never reach the sink, and the table's progress still advances. */
class SorterEventFilterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);

  @TempDir Path dir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> rows;
  private TestOutputTopic<byte[], byte[]> sink;
  private TestOutputTopic<byte[], byte[]> progress;

  private ChangefeedStreams.Config config(FilterConfig filter) throws Exception {
    return ChangefeedStreams.Config.of("unused:9092", "default", "cf1", Files.createDirectories(dir.resolve("state")),
        SinkUri.parse("kafka://unused:9092/out?protocol=canal-json"), SinkConfig.empty()).withEventFilter(filter);
  }

  private static SinkPlan plan() {
    EventRouter router = new EventRouter(List.of(), "out", "canal-json", false);
    return new SinkPlan(router, () -> new CanalJsonEncoder(EncoderConfig.defaults()), topic -> 1, true);
  }

  private void start(FilterConfig filter) throws Exception {
    ChangefeedStreams.Config config = config(filter);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    driver = new TopologyTestDriver(ChangefeedStreams.topology(config, plan()), p);
    rows = driver.createInputTopic(config.internalTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    sink = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    progress = driver.createOutputTopic(config.progressTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    rows.pipeInput(null, barrier(Long.MAX_VALUE));
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  private void send(long table, byte[] value) {
    rows.pipeInput(tableKey(table), value);
  }

  private List<String> released() {
    return sink.readValuesToList().stream().map(v -> {
      try {
        JsonNode m = JSON.readTree(v);
        return m.get("type").asText() + ":" + m.get("data").get(0).get("id").asText() + ":"
            + m.get("data").get(0).get("name").asText();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  private static EventFilterRule rule(List<String> events, String insertExpr, String updateNewExpr) {
    return new EventFilterRule(List.of("test.t"), events, null, insertExpr, updateNewExpr, null, null);
  }

  @Test
  void ignoredRowsAreNotWrittenAndProgressAdvances() throws Exception {
    start(new FilterConfig(null, List.of(33L), List.of(rule(List.of("delete"), "id >= 100", null))));
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 10, 20, 1)));
    send(1, encode(insert(1, 10, 20, 100))); // id >= 100
    send(1, encode(row(1, 1, 21, 22, RowOp.DELETE, 1, null, values(1L, "name-1", 1L)))); // delete
    send(1, encode(insert(1, 33, 34, 3))); // ignored start ts
    send(1, encode(insert(1, 35, 36, 5)));
    send(1, resolved(1, 50));
    assertThat(released()).containsExactly("INSERT:1:name-1", "INSERT:5:name-5");
    List<TableProgress> p = progress.readValuesToList().stream().map(PROGRESS::decode).toList();
    assertThat(p).extracting(TableProgress::getCheckpointTs).containsExactly(50L);
  }

  @Test
  void aTableWhoseRowsAreAllIgnoredStillAdvances() throws Exception {
    start(new FilterConfig(null, null, List.of(rule(List.of("all dml"), null, null))));
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 10, 20, 1)));
    send(1, resolved(1, 30));
    assertThat(sink.isEmpty()).isTrue();
    assertThat(PROGRESS.decode(progress.readValue()).getCheckpointTs()).isEqualTo(30L);
    send(1, encode(insert(1, 40, 45, 2)));
    send(1, resolved(1, 60));
    assertThat(sink.isEmpty()).isTrue();
    assertThat(PROGRESS.decode(progress.readValue()).getCheckpointTs()).isEqualTo(60L);
  }

  @Test
  void updatesAreFilteredBeforeTheyAreSplit() throws Exception {
    // u is a unique key: an update changing it is split into delete + insert, but the filter sees the update
    start(new FilterConfig(null, null, List.of(rule(List.of("delete"), null, "name = 'skip'"))));
    send(1, encode(testT(1, 1)));
    send(1, encode(row(1, 1, 7, 9, RowOp.UPDATE, 2, values(2L, "x", 20L), values(2L, "x", 2L))));
    send(1, encode(row(1, 1, 7, 9, RowOp.UPDATE, 3, values(3L, "skip", 30L), values(3L, "y", 3L))));
    send(1, resolved(1, 10));
    assertThat(released()).containsExactly("DELETE:2:x", "INSERT:2:x");
  }

  @Test
  void otherTablesAreUntouched() throws Exception {
    start(new FilterConfig(null, null, List.of(rule(List.of("insert"), null, null))));
    send(1, encode(testT(1, 1)));
    send(2, encode(named(testT(2, 1), 2, "test", "u")));
    send(1, encode(insert(1, 1, 5, 1)));
    send(2, encode(insert(2, 1, 5, 2)));
    send(1, resolved(1, 10));
    send(2, resolved(2, 10));
    assertThat(released()).containsExactly("INSERT:2:name-2");
  }

  @Test
  void invalidExpressionsFailWhenTheTopologyIsBuilt() throws Exception {
    ChangefeedStreams.Config config = config(new FilterConfig(null, null, List.of(rule(null, "id >>> 1", null))));
    assertThatThrownBy(() -> ChangefeedStreams.topology(config, plan()))
        .isInstanceOfSatisfying(SinkConfigException.class,
            e -> assertThat(e.code()).isEqualTo("CDC:ErrInvalidFilterExpression"));
  }
}
