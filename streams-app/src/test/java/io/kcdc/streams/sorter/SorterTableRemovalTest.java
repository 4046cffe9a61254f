package io.kcdc.streams.sorter;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.TableProgress;
import io.kcdc.avro.TableRemoved;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.ChangefeedStreams;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.tablesink.SinkPlan;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table that left the changefeed ({@code TableRemoved}) loses its buffered rows, schema versions and
 * progress state once it is released up to the removal (docs/schema-lifecycle.md); other tables keep theirs.
 */
class SorterTableRemovalTest {
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);

  @TempDir Path dir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> rows;
  private TestOutputTopic<byte[], byte[]> sink;
  private TestOutputTopic<byte[], byte[]> progress;

  @BeforeEach
  void start() throws Exception {
    var config = ChangefeedStreams.Config.of("unused:9092", "default", "cf1", Files.createDirectories(dir.resolve("state")),
        SinkUri.parse("kafka://unused:9092/out?protocol=canal-json"), SinkConfig.empty());
    EventRouter router = new EventRouter(List.of(), "out", "canal-json", false);
    var plan = new SinkPlan(router, () -> new CanalJsonEncoder(EncoderConfig.defaults()), topic -> 3, true);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    driver = new TopologyTestDriver(ChangefeedStreams.topology(config, plan), p);
    rows = driver.createInputTopic(config.internalTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    sink = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    progress = driver.createOutputTopic(config.progressTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(long table, byte[] value) {
    rows.pipeInput(tableKey(table), value);
  }

  private void removed(long table, long ts) {
    send(table, encode(new TableRemoved(table, ts)));
  }

  /** The table ids that own keys in a store (the first 8 bytes of every key of at least 8). */
  private List<Long> tablesIn(String store) {
    KeyValueStore<Bytes, byte[]> s = driver.getKeyValueStore(store);
    List<Long> out = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = s.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        if (kv.key.get().length >= 8) {
          long id = ByteBuffer.wrap(kv.key.get(), kv.key.get().length == 9 ? 1 : 0, 8).getLong();
          if (!out.contains(id)) {
            out.add(id);
          }
        }
      }
    }
    return out;
  }

  private List<Long> everywhere() {
    List<Long> out = new ArrayList<>();
    for (String store : List.of(SorterProcessor.SORTER_STORE, SorterProcessor.SCHEMA_STORE, SorterProcessor.RESOLVED_STORE)) {
      tablesIn(store).stream().filter(id -> !out.contains(id)).forEach(out::add);
    }
    return out;
  }

  @Test
  void aRemovedTableIsForgottenOnceReleasedUpToItsRemoval() {
    rows.pipeInput(null, barrier(50)); // the DROP of table 1 at 50 is pending
    for (long t : List.of(1L, 2L)) {
      send(t, encode(testT(t, 1)));
      send(t, encode(insert(t, 5, 10, 1)));
      send(t, encode(insert(t, 55, 60, 2))); // table 2's row above the barrier stays buffered
    }
    send(1, resolved(1, 50));
    send(2, resolved(2, 70));
    assertThat(sink.readValuesToList()).hasSize(2);
    removed(1, 50); // table 1's checkpoint is 50: forgotten at once
    assertThat(tablesIn(SorterProcessor.SORTER_STORE)).containsExactly(2L);
    assertThat(tablesIn(SorterProcessor.SCHEMA_STORE)).containsExactly(2L);
    assertThat(everywhere()).containsExactly(2L);
    // its last progress stays where the owner reads it until the DDL is written
    assertThat(progress.readValuesToList().stream().map(PROGRESS::decode).filter(p -> p.getTableId() == 1)
        .reduce((a, b) -> b).orElseThrow().getCheckpointTs()).isEqualTo(50);
  }

  @Test
  void aRemovalWaitsForTheBarrierToPassIt() {
    rows.pipeInput(null, barrier(20)); // an earlier DDL holds everything at 20
    send(1, encode(testT(1, 1)));
    send(1, encode(insert(1, 25, 30, 1)));
    send(1, resolved(1, 50));
    removed(1, 50);
    assertThat(sink.isEmpty()).isTrue();
    assertThat(tablesIn(SorterProcessor.SORTER_STORE)).containsExactly(1L); // the row before the DROP is still due
    rows.pipeInput(null, barrier(40));
    assertThat(sink.readValuesToList()).hasSize(1);
    assertThat(everywhere()).containsExactly(1L);
    rows.pipeInput(null, barrier(80)); // past the DROP: released up to 50, then forgotten
    assertThat(everywhere()).isEmpty();
  }

  @Test
  void aTableThatJoinsAgainBeforeItsRemovalWasDueIsKept() {
    rows.pipeInput(null, barrier(20));
    send(1, encode(testT(1, 1)));
    send(1, resolved(1, 50));
    removed(1, 50); // renamed out of the filter at 50 ...
    send(1, encode(testT(1, 60))); // ... and back in at 60, before the barrier passed 50
    send(1, encode(insert(1, 65, 70, 7)));
    send(1, resolved(1, 90));
    rows.pipeInput(null, barrier(100));
    assertThat(sink.readValuesToList()).hasSize(1);
    assertThat(everywhere()).containsExactly(1L);
  }
}
