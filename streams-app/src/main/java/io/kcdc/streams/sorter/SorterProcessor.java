package io.kcdc.streams.sorter;

import io.kcdc.avro.InternalEvent;
import io.kcdc.avro.RowChange;
import io.kcdc.avro.TableProgress;
import io.kcdc.avro.TableResolved;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.codec.EncodedMessage;
import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.selector.ColumnSelector;
import io.kcdc.streams.sink.PartitionCounts;
import io.kcdc.streams.sink.SinkRecordKey;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sorter and table sink of a changefeed (TiCDC's sorter + sink manager): buffers rows of the internal topic
 * in a persistent store keyed by {@link SorterKey} (idempotent under re-sent rows, spilling to RocksDB), and on
 * {@code TableResolved(T)} releases the table's rows with {@code commitTs <= T} in (commitTs, startTs, delete <
 * update < insert) order: routes each, applies the column selectors, appends it to the encoder of its (topic,
 * partition) (batching protocols put several rows into one record), forwards the records to {@link #SINK_NODE}
 * after every chunk of released rows, deletes the rows, then forwards a
 * {@link TableProgress} with {@code checkpointTs = T} to {@link #PROGRESS_NODE}. Everything happens in the
 * Streams transaction of the resolved record, so a committed progress record means its rows are in the sink.
 * Rows of a table with {@code commitTs <=} its released checkpoint were already written and are dropped.
 */
public final class SorterProcessor implements Processor<byte[], byte[], Object, Object> {
  public static final String SCHEMA_STORE = "cdc-schemas";
  public static final String SORTER_STORE = "cdc-sorter";
  public static final String RESOLVED_STORE = "cdc-resolved";
  public static final String SINK_NODE = "sink";
  public static final String PROGRESS_NODE = "progress";

  private static final Logger LOG = LoggerFactory.getLogger(SorterProcessor.class);
  /** Rows released per store iterator, so memory does not grow with the transaction size. */
  private static final int RELEASE_BATCH = 512;
  private static final AvroBinary<InternalEvent> EVENTS = new AvroBinary<>(InternalEvent.class);
  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);

  /**
   * Where released rows go. {@code router == null} is the blackhole sink: rows are dropped, progress is kept.
   *
   * @param splitUpdates split updates of handle/unique keys (off with {@code output-raw-change-event})
   * @param selector {@code sink.column_selectors}
   */
  public record SinkPlan(EventRouter router, Supplier<RowEventEncoder> encoders, PartitionCounts partitions,
      boolean splitUpdates, ColumnSelector selector) {

    public SinkPlan {
      selector = selector == null ? ColumnSelector.none() : selector;
    }

    public SinkPlan(EventRouter router, Supplier<RowEventEncoder> encoders, PartitionCounts partitions,
        boolean splitUpdates) {
      this(router, encoders, partitions, splitUpdates, ColumnSelector.none());
    }

    public static SinkPlan blackhole() {
      return new SinkPlan(null, null, null, true);
    }
  }

  /** Where an encoder's records go. */
  private record Target(String topic, int partition) {}

  private final SinkPlan plan;
  private final Map<Long, TableInfo> schemaCache = new HashMap<>();
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<Bytes, byte[]> schemas;
  private KeyValueStore<Bytes, byte[]> sorter;
  private KeyValueStore<Bytes, byte[]> resolved;
  /** One encoder per (topic, partition), so batches never mix partitions; kept for the processor's lifetime. */
  private final Map<Target, RowEventEncoder> encoders = new LinkedHashMap<>();

  public SorterProcessor(SinkPlan plan) {
    this.plan = plan;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.schemas = context.getStateStore(SCHEMA_STORE);
    this.sorter = context.getStateStore(SORTER_STORE);
    this.resolved = context.getStateStore(RESOLVED_STORE);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    Object payload = EVENTS.decode(record.value()).getPayload();
    if (payload instanceof TableSchema s) {
      schemas.put(schemaKey(s.getTableId(), s.getSchemaVersion()), record.value());
    } else if (payload instanceof RowChange row) {
      buffer(row);
    } else if (payload instanceof TableResolved r) {
      resolve(r.getTableId(), r.getResolvedTs());
    } else {
      // DDLs are written by the owner once every table has passed them (the DDL barrier).
      LOG.debug("ignoring {} on the rows topic", payload.getClass().getSimpleName());
    }
  }

  private void buffer(RowChange row) {
    long tableId = row.getTableId();
    long[] state = state(tableId);
    if (Long.compareUnsigned(row.getCommitTs(), state[1]) <= 0) {
      return; // re-sent after a connector restart; it is already in the sink
    }
    TableInfo table = schema(tableId, row.getSchemaVersion());
    List<RowChange> rows = plan.splitUpdates() ? UpdateSplitter.split(table, row) : List.of(row);
    byte[] rawKey = copy(row.getKey());
    for (RowChange r : rows) {
      Bytes key = SorterKey.of(tableId, r.getCommitTs(), r.getStartTs(), UpdateSplitter.dmlOrder(r), rawKey);
      sorter.put(key, EVENTS.encode(new InternalEvent(r)));
    }
  }

  private void resolve(long tableId, long ts) {
    long[] state = state(tableId);
    if (Long.compareUnsigned(ts, state[1]) <= 0) {
      return;
    }
    Bytes from = SorterKey.tableStart(tableId);
    Bytes to = SorterKey.releaseEnd(tableId, ts);
    List<Bytes> released = new ArrayList<>(RELEASE_BATCH);
    do {
      released.clear();
      try (KeyValueIterator<Bytes, byte[]> it = sorter.range(from, to)) {
        while (it.hasNext() && released.size() < RELEASE_BATCH) {
          KeyValue<Bytes, byte[]> kv = it.next();
          emit((RowChange) EVENTS.decode(kv.value).getPayload());
          released.add(kv.key);
        }
      }
      flush();
      released.forEach(sorter::delete);
    } while (released.size() == RELEASE_BATCH);
    resolved.put(tableKey(tableId), ByteBuffer.allocate(16).putLong(ts).putLong(ts).array());
    TableProgress progress = new TableProgress(tableId, ts, ts);
    context.forward(new Record<>(tableKey(tableId).get(), PROGRESS.encode(progress), context.currentSystemTimeMs()),
        PROGRESS_NODE);
  }

  private void emit(RowChange row) {
    if (plan.router() == null) {
      return;
    }
    RowEvent event = RowEvent.of(schema(row.getTableId(), row.getSchemaVersion()), row);
    String topic = plan.router().topic(event.table().schemaName(), event.table().tableName());
    int partition = plan.router().partition(event, plan.partitions().partitionCount(topic));
    encoders.computeIfAbsent(new Target(topic, partition), k -> plan.encoders().get())
        .appendRow(topic, plan.selector().apply(event));
  }

  /** Forwards every record the encoders have built so far. */
  private void flush() {
    for (Map.Entry<Target, RowEventEncoder> e : encoders.entrySet()) {
      Target target = e.getKey();
      for (EncodedMessage m : e.getValue().build()) {
        context.forward(new Record<>(new SinkRecordKey(target.topic(), target.partition(), m.key()), m.value(),
            context.currentSystemTimeMs()), SINK_NODE);
      }
    }
  }

  private TableInfo schema(long tableId, long version) {
    Bytes key = schemaKey(tableId, version);
    TableInfo cached = schemaCache.get(tableId);
    if (cached != null && cached.version() == version) {
      return cached;
    }
    byte[] bytes = schemas.get(key);
    if (bytes == null) {
      throw new IllegalStateException("no TableSchema for table " + tableId + " version " + version
          + " before its rows on the internal topic");
    }
    TableInfo info = new TableInfo((TableSchema) EVENTS.decode(bytes).getPayload());
    schemaCache.put(tableId, info);
    return info;
  }

  /** {resolvedTs, checkpointTs} of a table; zeros before its first resolved ts. */
  private long[] state(long tableId) {
    byte[] v = resolved.get(tableKey(tableId));
    if (v == null) {
      return new long[] {0, 0};
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    return new long[] {b.getLong(0), b.getLong(8)};
  }

  private static Bytes tableKey(long tableId) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(tableId).array());
  }

  private static Bytes schemaKey(long tableId, long version) {
    return Bytes.wrap(ByteBuffer.allocate(16).putLong(tableId).putLong(version).array());
  }

  private static byte[] copy(ByteBuffer buf) {
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return out;
  }
}
