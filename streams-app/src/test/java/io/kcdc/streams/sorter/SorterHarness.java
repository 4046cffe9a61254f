package io.kcdc.streams.sorter;

import static io.kcdc.streams.Fixtures.tableKey;

import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.tablesink.SinkPlan;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A {@link SorterProcessor} driven by hand, outside a topology: for tests that restart it on its stores, or look
 * into its RocksDB store, as Kafka Streams' TopologyTestDriver cannot.
 */
final class SorterHarness {
  private SorterHarness() {}

  /** Canal-json into topic "out" of 3 partitions, the default dispatchers. */
  static SinkPlan canalJsonPlan() {
    return new SinkPlan(new EventRouter(List.of(), "out", "canal-json", false),
        () -> new CanalJsonEncoder(EncoderConfig.defaults()), topic -> 3, true);
  }

  /** A context of task 0_0 with {@code extra} app configs; {@code stateDir} may be null for in-memory stores only. */
  static MockProcessorContext<Object, Object> context(Map<String, Object> extra, File stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "cdc-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.putAll(extra);
    MockProcessorContext<Object, Object> c = new MockProcessorContext<>(p, new TaskId(0, 0), stateDir);
    c.setCurrentSystemTimeMs(System.currentTimeMillis());
    return c;
  }

  /** An unlogged, uncached store opened under {@code context} (not yet added to it). */
  static KeyValueStore<Bytes, byte[]> open(MockProcessorContext<Object, Object> context,
      KeyValueBytesStoreSupplier supplier) {
    KeyValueStore<Bytes, byte[]> s = Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray())
        .withLoggingDisabled().withCachingDisabled().build();
    s.init(context.getStateStoreContext(), s);
    return s;
  }

  /** An internal-topic record of {@code table} (0: a record for every table, like a barrier). */
  static void send(SorterProcessor p, long table, byte[] value) {
    p.process(new Record<>(table == 0 ? null : tableKey(table), value, 0L));
  }

  /** What the processor forwarded to {@code node} under {@code context}. */
  static List<Record<?, ?>> forwardedTo(MockProcessorContext<Object, Object> context, String node) {
    return context.forwarded().stream().filter(f -> f.childName().orElse("").equals(node))
        .map(CapturedForward::record).<Record<?, ?>>map(r -> r).toList();
  }
}
