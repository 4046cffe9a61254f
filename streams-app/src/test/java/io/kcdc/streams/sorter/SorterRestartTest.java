package io.kcdc.streams.sorter;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.PartitionProgress;
import io.kcdc.avro.TableProgress;
import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.progress.ProgressKeys;
import io.kcdc.streams.tablesink.SinkPlan;
import io.kcdc.streams.tablesink.TableSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sorter started again on its stores, as Kafka Streams does it: a task moved to another capture gets a new
 * processor on stores restored from the changelog; a task revived after a dirty close (a fenced producer, a lost
 * group membership) gets {@code init} called again on the same processor, its stores back at the last commit and
 * its input re-read from there (Kafka Streams' {@code StreamTask.revive}, {@code TaskManager.closeDirtyAndRevive}).
 */
class SorterRestartTest {
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);
  private static final AvroBinary<PartitionProgress> PARTITION_PROGRESS = new AvroBinary<>(PartitionProgress.class);

  private final SinkPlan plan = SorterHarness.canalJsonPlan();
  private final List<SorterProcessor> processors = new ArrayList<>();
  private MockProcessorContext<Object, Object> context;
  private Map<String, KeyValueStore<Bytes, byte[]>> stores;

  @AfterEach
  void stop() {
    processors.forEach(SorterProcessor::close);
  }

  /** Empty stores: the state of a task at its last commit, before the records a test sends. */
  private void freshStores() {
    context = newContext();
    stores = Map.of(
        SorterProcessor.SCHEMA_STORE, store(SorterProcessor.SCHEMA_STORE),
        SorterProcessor.SORTER_STORE, store(SorterProcessor.SORTER_STORE),
        SorterProcessor.RESOLVED_STORE, store(SorterProcessor.RESOLVED_STORE));
    stores.values().forEach(s -> context.addStateStore(s));
  }

  /** The same stores under a new context: a task started again on what it had committed. */
  private void sameStores() {
    context = newContext();
    stores.values().forEach(s -> context.addStateStore(s));
  }

  private MockProcessorContext<Object, Object> newContext() {
    return SorterHarness.context(Map.of(), null);
  }

  private KeyValueStore<Bytes, byte[]> store(String name) {
    return SorterHarness.open(context, Stores.inMemoryKeyValueStore(name));
  }

  private SorterProcessor newProcessor() {
    SorterProcessor p = new SorterProcessor(plan, EventFilter.none());
    processors.add(p);
    return p;
  }

  private static void send(SorterProcessor p, long table, byte[] value) {
    SorterHarness.send(p, table, value);
  }

  private static byte[] taskCheckpoint(int index, int count, long ts) {
    return encode(new TaskCheckpoint(index, count, ts));
  }

  /** The messages the table sink forwarded to the sink node in the current context. */
  private List<Record<?, ?>> sinkRecords() {
    return SorterHarness.forwardedTo(context, TableSink.SINK_NODE);
  }

  /** The progress records forwarded in the current context: "p<partition>:resolved/checkpoint" and "table:resolved/checkpoint". */
  private List<String> progress() {
    return SorterHarness.forwardedTo(context, TableSink.PROGRESS_NODE).stream()
        .map(r -> {
          byte[] key = (byte[]) r.key();
          byte[] value = (byte[]) r.value();
          if (ProgressKeys.isPartition(key)) {
            PartitionProgress pp = PARTITION_PROGRESS.decode(value);
            return "p" + pp.getPartition() + ":" + pp.getResolvedTs() + "/" + pp.getCheckpointTs();
          }
          TableProgress tp = PROGRESS.decode(value);
          return tp.getTableId() + ":" + tp.getResolvedTs() + "/" + tp.getCheckpointTs();
        }).toList();
  }

  private List<Bytes> sorterKeys() {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = stores.get(SorterProcessor.SORTER_STORE).all()) {
      it.forEachRemaining((KeyValue<Bytes, byte[]> kv) -> keys.add(kv.key));
    }
    return keys;
  }

  /** Rows of table 1, then the connector task's checkpoint above them, with the barrier open. */
  private static void sendRowsAndTheirTaskCheckpoint(SorterProcessor p) {
    send(p, 0, barrier(Long.MAX_VALUE));
    send(p, 1, encode(testT(1, 1)));
    send(p, 1, encode(insert(1, 5, 10, 1)));
    send(p, 1, encode(insert(1, 15, 20, 2)));
    send(p, 0, taskCheckpoint(0, 1, 25));
  }

  @Test
  void aRevivedTaskReleasesTheRowsItReadsAgainAsIfForTheFirstTime() {
    SorterProcessor sorter = newProcessor();
    freshStores();
    sorter.init(context);
    sendRowsAndTheirTaskCheckpoint(sorter);
    assertThat(sinkRecords()).hasSize(2);

    // the transaction that wrote them is aborted: the stores are back at the last commit, the input is read again
    freshStores();
    sorter.init(context);
    sendRowsAndTheirTaskCheckpoint(sorter);
    // a task floor of 25 remembered from the aborted transaction would release table 1 up to 25 on its first row,
    // before the row is buffered, and then drop both rows as written
    assertThat(sinkRecords()).hasSize(2);
    assertThat(progress()).contains("1:25/25", "p0:25/25");
  }

  @Test
  void aReleasedTableKeepsOnlyItsMarkersAndStaysIdleWhenTheTaskStartsAgain() {
    SorterProcessor first = newProcessor();
    freshStores();
    first.init(context);
    sendRowsAndTheirTaskCheckpoint(first);
    send(first, 2, encode(testT(2, 1)));
    send(first, 2, encode(insert(2, 35, 40, 1)));
    send(first, 0, taskCheckpoint(0, 1, 30)); // table 1 is found empty; table 2's row waits for a floor of 40
    assertThat(sinkRecords()).hasSize(2);
    assertThat(sorterKeys()).containsExactly(SorterKey.tableStart(1), SorterKey.tableEnd(1),
        SorterKey.tableStart(2), sorterKeys().get(3), SorterKey.tableEnd(2));
    assertThat(SorterKey.tableId(sorterKeys().get(3))).isEqualTo(2);
    assertThat(SorterKey.isMarker(sorterKeys().get(3))).isFalse();

    // another capture takes the task over: a new processor on the restored stores
    SorterProcessor second = newProcessor();
    sameStores();
    second.init(context);
    send(second, 0, taskCheckpoint(0, 1, 45));
    // table 2 held a row and is released; table 1 held only its markers: it is idle and reports nothing
    assertThat(sinkRecords()).hasSize(1);
    assertThat(progress()).containsExactly("2:45/45", "p0:45/45");
    assertThat(sorterKeys()).containsExactly(SorterKey.tableStart(1), SorterKey.tableEnd(1),
        SorterKey.tableStart(2), SorterKey.tableEnd(2));
  }
}
