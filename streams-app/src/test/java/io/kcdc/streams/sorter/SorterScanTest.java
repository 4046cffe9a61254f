package io.kcdc.streams.sorter;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.streams.tablesink.TableSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

/**
 * The sorter's scans over its RocksDB store step over a bounded number of deleted keys, however many rows were
 * released before (docs/crash-recovery.md, "A Streams thread held by RocksDB tombstones"). Counted with RocksDB's
 * own statistics: {@code NUMBER_ITER_SKIP} is the number of internal keys (tombstones, overwritten versions) an
 * iterator stepped over.
 */
class SorterScanTest {
  private static final int RELEASED = 5_000;
  private static volatile Statistics statistics;

  /** Attaches RocksDB statistics to the sorter store (the only persistent store here). */
  public static final class CountingSetter implements RocksDBConfigSetter {
    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
      statistics = new Statistics();
      options.setStatistics(statistics);
    }

    @Override
    public void close(String storeName, Options options) {}
  }

  @TempDir Path dir;

  private static void send(SorterProcessor p, long table, byte[] value) {
    SorterHarness.send(p, table, value);
  }

  @Test
  void checkingAnEmptiedTableStepsOverNoneOfTheRowsReleasedAfterIt() {
    MockProcessorContext<Object, Object> context = SorterHarness.context(
        Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, CountingSetter.class), dir.toFile());
    KeyValueStore<Bytes, byte[]> sorterStore =
        SorterHarness.open(context, Stores.persistentKeyValueStore(SorterProcessor.SORTER_STORE));
    context.addStateStore(sorterStore);
    for (String name : List.of(SorterProcessor.SCHEMA_STORE, SorterProcessor.RESOLVED_STORE)) {
      context.addStateStore(SorterHarness.open(context, Stores.inMemoryKeyValueStore(name)));
    }
    SorterProcessor sorter = new SorterProcessor(SorterHarness.canalJsonPlan(), EventFilter.none());
    try {
      sorter.init(context);
      send(sorter, 0, barrier(Long.MAX_VALUE));
      send(sorter, 1, encode(testT(1, 1)));
      send(sorter, 2, encode(testT(2, 1)));
      send(sorter, 1, encode(insert(1, 5, 10, 1)));
      for (int i = 1; i <= RELEASED; i++) { // table 2's rows sort after table 1's end
        send(sorter, 2, encode(insert(2, 5, 10, i)));
      }
      send(sorter, 0, encode(new TaskCheckpoint(0, 1, 20L))); // releases both tables
      for (int turn = 0; turn < 100 && sinkRows(context) < RELEASED + 1; turn++) {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(System.currentTimeMillis()));
      }
      assertThat(sinkRows(context)).isEqualTo(RELEASED + 1L); // table 2's rows are tombstones now

      long before = statistics.getTickerCount(TickerType.NUMBER_ITER_SKIP);
      // table 1 gets a row before each tick; the tick releases it and checks whether the table still holds rows
      int ticks = 8;
      for (int k = 1; k <= ticks; k++) {
        long ts = 20 + 10L * k;
        send(sorter, 1, encode(insert(1, ts - 3, ts - 2, 1 + k)));
        send(sorter, 0, encode(new TaskCheckpoint(0, 1, ts)));
      }
      assertThat(sinkRows(context)).isEqualTo(RELEASED + 1L + ticks);
      long skipped = statistics.getTickerCount(TickerType.NUMBER_ITER_SKIP) - before;
      // without the tables' markers, each check of table 1 stepped over the 5,000 tombstones of table 2
      assertThat(skipped).isLessThan(RELEASED / 10);
    } finally {
      sorter.close();
      sorterStore.close();
    }
  }

  private static long sinkRows(MockProcessorContext<Object, Object> context) {
    return SorterHarness.forwardedTo(context, TableSink.SINK_NODE).size();
  }
}
