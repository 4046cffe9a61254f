package io.kcdc.streams.sorter;

import io.kcdc.avro.Barrier;
import io.kcdc.avro.InternalEvent;
import io.kcdc.avro.RowChange;
import io.kcdc.avro.TableRemoved;
import io.kcdc.avro.TableResolved;
import io.kcdc.avro.TableSchema;
import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.common.Tso;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.tablesink.SinkPlan;
import io.kcdc.streams.tablesink.TableSink;
import io.kcdc.streams.ChangefeedMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sorter of a changefeed (TiCDC's sorter, the sort engine the sink manager reads from): buffers rows of the
 * internal topic in a persistent store keyed by {@link SorterKey} (idempotent under re-sent rows, spilling to
 * RocksDB), and releases a table's rows with {@code commitTs <= min(table resolved ts, barrier ts)} in (commitTs,
 * startTs, delete < update < insert) order to the task's {@link TableSink}, which routes, encodes and forwards them;
 * it deletes the rows once the table sink has written them, then has the table sink report the table's new
 * checkpoint. Everything happens in a Streams transaction, so a committed progress record means its rows are in the
 * sink. Rows of a table with {@code commitTs <=} its released checkpoint were already written and are dropped.
 *
 * <p>A release is written in chunks and at most a {@link ReleaseBudget} per turn (one record's {@code process()} or a
 * 100 ms wall-clock punctuation); what is left continues in the next turns, so a Streams transaction stays small
 * however large the upstream transaction was. Between turns the table's state holds the release's end and the key of
 * the last row written (a re-sent row at or before it is dropped), and its checkpoint moves to just below the commit
 * ts of that row; it reaches the release's end when the release is complete.
 *
 * <p>Event filters ({@code filter.ignore_txn_start_ts}, {@code filter.event_filters}) are applied as a row arrives,
 * before an update is split (TiCDC filters in the mounter, before its sink splits updates): an ignored row is never
 * buffered, and its table's progress advances past it as usual.
 *
 * <p>The DDL barrier: the owner writes a {@code Barrier} to every partition of the internal topic; the latest one of
 * the partition is in force (kept in {@link #RESOLVED_STORE}, so it survives restarts and rebalances) and nothing is
 * released before the first one. A {@code TableResolved(T)} raises the table's resolved ts to T and releases up to
 * {@code min(T, barrier)}; a {@code Barrier(B)} releases every table of the task up to {@code min(resolved, B)}. A
 * barrier that moves backwards (a new owner) holds further rows but never takes back what was released: a table's
 * checkpoint never decreases. A {@code TableRemoved} makes the sorter forget the table once it is released up to the
 * removal ({@link RemovedTables}).
 *
 * <p>Many tables (docs/many-tables.md): a connector task sends a {@code TableResolved} only for a table that had rows
 * since its last one; every resolved-ts interval it writes its {@code TaskCheckpoint} to every partition, the resolved
 * ts of all its tables at once ({@link TaskFloors}). Only the tables that may hold buffered rows ({@link #active})
 * are advanced by it and by a barrier; an idle table has nothing to release and keeps its stored state. What holds
 * for all tables of the partition is reported once, as the partition's {@code PartitionProgress}: its checkpoint is
 * the minimum of the task floor, the barrier and the active tables' checkpoints. So a tick costs work and records
 * for the partition and the changed tables, not for every table.
 */
public final class SorterProcessor implements Processor<byte[], byte[], Object, Object> {
  public static final String SCHEMA_STORE = "cdc-schemas";
  public static final String SORTER_STORE = "cdc-sorter";
  public static final String RESOLVED_STORE = "cdc-resolved";

  private static final Logger LOG = LoggerFactory.getLogger(SorterProcessor.class);
  /** Rows released per store iterator, so memory does not grow with the transaction size. */
  private static final int RELEASE_BATCH = 512;
  /** How often a release under way is continued when no record arrives. */
  private static final Duration RESUME_INTERVAL = Duration.ofMillis(100);
  private static final AvroBinary<InternalEvent> EVENTS = new AvroBinary<>(InternalEvent.class);
  /** The barrier's key in {@link #RESOLVED_STORE}: 7 bytes, table keys are 8. */
  private static final Bytes BARRIER_KEY = Bytes.wrap("barrier".getBytes(StandardCharsets.US_ASCII));
  /** The partition's last reported progress in {@link #RESOLVED_STORE}: 10 bytes, apart from every other key. */
  private static final Bytes PARTITION_KEY = Bytes.wrap("checkpoint".getBytes(StandardCharsets.US_ASCII));
  /** Above every sorter key (they start with an 8-byte table id). */
  private static final Bytes LAST_KEY = Bytes.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1});
  /** The value of a table's start and end markers. */
  private static final byte[] MARKER = new byte[0];

  private final SinkPlan plan;
  private final EventFilter filter;
  private final ReleaseBudget budget;
  private final ChangefeedMetrics metrics;
  /** Tables with a release under way, continued turn after turn in this order. */
  private final Set<Long> releasing = new LinkedHashSet<>();
  /**
   * Tables that may hold buffered rows (a superset of them, and of {@link #releasing}): the only ones a task
   * checkpoint or a barrier has to advance. Rebuilt from the sorter store when the task starts.
   */
  private final Set<Long> active = new HashSet<>();
  /** Tables whose markers ({@link SorterKey#tableStart}, {@link SorterKey#tableEnd}) are known to be in the store. */
  private final Set<Long> marked = new HashSet<>();
  private TaskFloors floors;
  private int partition;
  /** The partition's last reported resolved ts and checkpoint (never decrease). */
  private long partitionResolved;
  private long partitionCheckpoint;
  /** When {@code init} ran, until the first partition progress is reported; 0 after. */
  private long startedAtMs;
  private ReleaseBudget.Turn turn;
  private TableSchemas schemas;
  private KeyValueStore<Bytes, byte[]> sorter;
  private KeyValueStore<Bytes, byte[]> resolved;
  private RemovedTables removedTables;
  private ProcessorContext<Object, Object> context;
  private CommitPacer commits;
  private TableSink sink;

  public SorterProcessor(SinkPlan plan) {
    this(plan, EventFilter.none());
  }

  /** @param filter {@code filter.ignore_txn_start_ts} and {@code filter.event_filters} */
  public SorterProcessor(SinkPlan plan, EventFilter filter) {
    this(plan, filter, ReleaseBudget.DEFAULT);
  }

  /** @param budget how much one turn releases; a larger release continues in the next turns */
  public SorterProcessor(SinkPlan plan, EventFilter filter, ReleaseBudget budget) {
    this(plan, filter, budget, ChangefeedMetrics.of("default", ""));
  }

  /** @param metrics the changefeed's sorter and sink metrics */
  public SorterProcessor(SinkPlan plan, EventFilter filter, ReleaseBudget budget, ChangefeedMetrics metrics) {
    this.metrics = metrics;
    this.plan = plan;
    this.filter = filter;
    this.budget = budget;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    KeyValueStore<Bytes, byte[]> schemaStore = context.getStateStore(SCHEMA_STORE);
    this.schemas = new TableSchemas(schemaStore);
    this.sorter = context.getStateStore(SORTER_STORE);
    this.resolved = context.getStateStore(RESOLVED_STORE);
    this.removedTables = new RemovedTables(sorter, schemaStore, resolved);
    this.context = context;
    this.sink = new TableSink(plan, context, schemas, metrics);
    this.partition = context.taskId().partition();
    forgetMemory();
    loadState();
    findBufferedTables();
    // after a kill, when the moved task started and when it first reported are the sorter's part of the recovery
    startedAtMs = System.currentTimeMillis();
    LOG.info("{} sorter task {} started: {} tables with buffered rows", context.applicationId(), context.taskId(),
        active.size());
    context.schedule(RESUME_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
      turn = budget.start();
      resumeReleases();
      commitIfOwed();
    });
  }

  /**
   * Clears what the processor knows from earlier records: Kafka Streams revives a task after a dirty close (a fenced
   * producer, a lost group membership) by calling {@code init} again on the same processor, with its stores back at
   * the last commit and its input re-read from there. Knowledge kept from the aborted transaction would run ahead of
   * the store: a task floor from a re-read TaskCheckpoint would release a table before its re-read rows arrive and
   * drop them as already written.
   */
  private void forgetMemory() {
    releasing.clear();
    active.clear();
    marked.clear();
    floors = new TaskFloors();
    partitionResolved = 0;
    partitionCheckpoint = 0;
    commits = new CommitPacer(RESUME_INTERVAL.toMillis());
  }

  @Override
  public void close() {
    if (sink != null) {
      sink.close();
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    turn = budget.start();
    handle(record);
    resumeReleases();
  }

  private void handle(Record<byte[], byte[]> record) {
    Object payload = EVENTS.decode(record.value()).getPayload();
    if (payload instanceof TableSchema s) {
      schemas.put(s, record.value());
      removedTables.onSchema(s.getTableId());
    } else if (payload instanceof RowChange row) {
      buffer(row, record.value());
    } else if (payload instanceof TableResolved r) {
      onResolved(r.getTableId(), r.getResolvedTs());
    } else if (payload instanceof Barrier b) {
      onBarrier(b.getBarrierTs());
    } else if (payload instanceof TableRemoved r) {
      forgetTable(r.getTableId(), r.getRemovedTs());
    } else if (payload instanceof TaskCheckpoint c) {
      onTaskCheckpoint(c.getTaskIndex(), c.getTaskCount(), c.getCheckpointTs());
    } else {
      // DDLs are written by the owner once every table has passed them (the DDL barrier).
      LOG.debug("ignoring {} on the rows topic", payload.getClass().getSimpleName());
    }
  }

  /** @param encoded the internal event as it came, stored as it is when the row is not split */
  private void buffer(RowChange row, byte[] encoded) {
    long tableId = row.getTableId();
    TableState state = state(tableId);
    if (marked.add(tableId)) {
      markTable(tableId);
    }
    if (active.add(tableId)) {
      // idle until now: its stored state may lag what the task floor and the barrier gave it
      advance(tableId, state, Tso.max(state.resolvedTs(), floors.floor()), barrier());
      state = state(tableId);
    }
    if (!Tso.after(row.getCommitTs(), state.checkpointTs())) {
      return; // re-sent after a connector restart; it is already in the sink
    }
    TableInfo table = schemas.get(tableId, row.getSchemaVersion());
    if (!filter.isEmpty() && filter.ignoreRow(RowEvent.of(table, row))) {
      return; // never written; the table's progress advances over it like over a written row
    }
    List<RowChange> rows = plan.splitUpdates() ? UpdateSplitter.split(table, row) : List.of(row);
    byte[] rawKey = copy(row.getKey());
    for (RowChange r : rows) {
      Bytes key = SorterKey.of(tableId, r.getCommitTs(), r.getStartTs(), UpdateSplitter.dmlOrder(r), rawKey);
      if (!state.written(key, r.getCommitTs())) { // else written by the release under way
        sorter.put(key, r == row ? encoded : EVENTS.encode(new InternalEvent(r)));
      }
    }
  }

  private void onResolved(long tableId, long ts) {
    if (floors.floor() == 0) {
      active.add(tableId); // no task checkpoints yet: barriers advance every table that reported, as before them
    }
    TableState state = state(tableId);
    advance(tableId, state, Tso.max(Tso.max(state.resolvedTs(), ts), floors.floor()), barrier());
  }

  private void onBarrier(long barrierTs) {
    resolved.put(BARRIER_KEY, ByteBuffer.allocate(8).putLong(barrierTs).array());
    advanceActive(barrierTs);
  }

  /** A connector task's checkpoint: the resolved ts of all its tables in this partition ({@link TaskFloors}). */
  private void onTaskCheckpoint(int index, int count, long ts) {
    long before = floors.floor();
    if (!floors.update(index, count, ts)) {
      return;
    }
    resolved.put(Bytes.wrap(TaskFloors.key(index, count)), TaskFloors.value(ts));
    if (floors.floor() != before) {
      advanceActive(barrier());
    }
  }

  /**
   * Advances the tables that may hold rows to the task floor and the barrier, forgets those found empty, and reports
   * the partition's progress: O(active tables), however many tables the partition has.
   */
  private void advanceActive(long barrierTs) {
    long floor = floors.floor();
    for (Long tableId : new ArrayList<>(active)) {
      TableState state = state(tableId);
      long resolvedTs = Tso.max(state.resolvedTs(), floor);
      if (resolvedTs != state.resolvedTs() || Tso.after(Tso.min(resolvedTs, barrierTs), state.checkpointTs())) {
        advance(tableId, state, resolvedTs, barrierTs);
      }
      // without task checkpoints (a connector that writes none) every table keeps reporting on its own
      if (floor != 0 && !releasing.contains(tableId) && !hasBufferedRows(tableId, state(tableId).checkpointTs())) {
        active.remove(tableId);
      }
    }
    reportPartition(floor, barrierTs);
  }

  /**
   * Reports what holds for every table of the partition: resolved up to the task floor, and in the sink up to the
   * smallest of the floor, the barrier and the checkpoints of the tables that may hold rows (an idle table has
   * nothing buffered, so all its rows up to the floor and the barrier are in the sink).
   */
  private void reportPartition(long floor, long barrierTs) {
    if (floor == 0 || barrierTs == 0) {
      return;
    }
    long checkpoint = Tso.min(floor, barrierTs);
    for (Long tableId : active) {
      checkpoint = Tso.min(checkpoint, state(tableId).checkpointTs());
    }
    long resolvedTs = Tso.max(partitionResolved, floor);
    checkpoint = Tso.max(partitionCheckpoint, checkpoint);
    if (resolvedTs == partitionResolved && checkpoint == partitionCheckpoint) {
      return;
    }
    partitionResolved = resolvedTs;
    partitionCheckpoint = checkpoint;
    resolved.put(PARTITION_KEY, ByteBuffer.allocate(16).putLong(resolvedTs).putLong(checkpoint).array());
    sink.partitionProgress(partition, resolvedTs, checkpoint);
    if (startedAtMs != 0) {
      LOG.info("{} sorter task {} writes its first progress {} ms after it started: resolved ts {}, checkpoint {}",
          context.applicationId(), context.taskId(), System.currentTimeMillis() - startedAtMs,
          Long.toUnsignedString(resolvedTs), Long.toUnsignedString(checkpoint));
      startedAtMs = 0;
    }
  }

  /**
   * Whether the store holds rows of the table above {@code checkpointTs}: one seek, past the released rows, that
   * lands on a row or on the table's end marker (its read-ahead then stops at the next table's start marker).
   */
  private boolean hasBufferedRows(long tableId, long checkpointTs) {
    try (KeyValueIterator<Bytes, byte[]> it =
        sorter.range(SorterKey.releaseEnd(tableId, checkpointTs), SorterKey.rowsEnd(tableId))) {
      return it.hasNext();
    }
  }

  /** Writes the table's start and end markers unless they are there ({@link SorterKey}: they bound the scans). */
  private void markTable(long tableId) {
    Bytes end = SorterKey.tableEnd(tableId);
    if (sorter.get(end) == null) {
      sorter.put(SorterKey.tableStart(tableId), MARKER);
      sorter.put(end, MARKER);
    }
  }

  /**
   * Records {@code resolvedTs} for the table, starts (or extends) the release of its rows up to
   * {@code min(resolvedTs, barrierTs)} if that is past its checkpoint, releases what the turn allows, and reports
   * the new state when anything changed.
   */
  private void advance(long tableId, TableState state, long resolvedTs, long barrierTs) {
    TableState next = state.advancedTo(resolvedTs, Tso.min(resolvedTs, barrierTs));
    if (next.releasing() && !turn.exhausted()) {
      next = release(tableId, next);
    }
    save(tableId, state, next);
  }

  /** Continues the releases under way, table after table, as long as the turn allows. */
  private void resumeReleases() {
    for (Long tableId : new ArrayList<>(releasing)) {
      if (turn.exhausted()) {
        return;
      }
      TableState state = state(tableId);
      save(tableId, state, release(tableId, state));
    }
  }

  /** Stores the table's state, keeps {@link #releasing} in step and has the sink report the table if it moved. */
  private void save(long tableId, TableState before, TableState after) {
    if (after.releasing()) {
      releasing.add(tableId);
      active.add(tableId);
    } else {
      releasing.remove(tableId);
      if (after.checkpointTs() != before.checkpointTs() && releasing.isEmpty()) {
        commits.released();
        commitIfOwed();
      }
    }
    if (after.equals(before)) {
      return;
    }
    resolved.put(tableKey(tableId), after.encode());
    if (after.resolvedTs() == before.resolvedTs() && after.checkpointTs() == before.checkpointTs()) {
      return;
    }
    sink.progress(tableId, after.resolvedTs(), after.checkpointTs(), after.lastSyncedTs());
    if (removedTables.afterRelease(tableId, after.checkpointTs())) {
      forgotten(tableId);
    }
  }

  /** Asks Streams to commit at the next loop once caught up ({@link CommitPacer}). */
  private void commitIfOwed() {
    if (commits.commitNow(System.currentTimeMillis(), !releasing.isEmpty())) {
      context.commit();
    }
  }

  private void forgotten(long tableId) {
    schemas.uncache(tableId);
    marked.remove(tableId);
    releasing.remove(tableId);
    active.remove(tableId);
  }

  /**
   * The table left the changefeed at {@code removedTs}: its state goes once it is released up to there
   * ({@link RemovedTables}). Its last progress record stays: the owner reads it until the DDL is written.
   */
  private void forgetTable(long tableId, long removedTs) {
    if (removedTables.onRemoved(tableId, removedTs, state(tableId).checkpointTs())) {
      forgotten(tableId);
    }
  }

  /**
   * Hands the table's buffered rows of the release under way to the table sink and deletes them once written, chunk
   * after chunk, until the release is complete or the turn is over; returns the state after it. Every scan starts after what was written before: RocksDB keeps
   * the deleted rows as tombstones for a while, and a scan from the table's first key would step over all of them
   * each time (it made seeks most of the sorter's work).
   */
  private TableState release(long tableId, TableState state) {
    Bytes to = SorterKey.releaseEnd(tableId, state.releaseTo());
    List<Bytes> written = new ArrayList<>(RELEASE_BATCH);
    while (true) {
      Bytes from = state.cursor() != null ? state.cursor() : SorterKey.releaseEnd(tableId, state.checkpointTs());
      int limit = Math.min(RELEASE_BATCH, turn.rowsLeft());
      written.clear();
      long lastCommitTs = 0;
      try (KeyValueIterator<Bytes, byte[]> it = sorter.range(from, to)) {
        while (it.hasNext() && written.size() < limit) {
          KeyValue<Bytes, byte[]> kv = it.next();
          RowChange row = (RowChange) EVENTS.decode(kv.value).getPayload();
          sink.add(row);
          lastCommitTs = row.getCommitTs();
          written.add(kv.key);
        }
      }
      sink.write(); // returns once the rows are in the sink: a checkpoint means "in the sink"
      metrics.sorterOutput(written.size());
      // put(key, null) deletes without reading the old value first (delete() does a get).
      written.forEach(k -> sorter.put(k, null));
      turn.spent(written.size());
      if (written.size() < limit) {
        return state.released(lastCommitTs);
      }
      state = state.wroteThrough(written.get(written.size() - 1), lastCommitTs);
      if (turn.exhausted()) {
        return state;
      }
    }
  }

  /**
   * Reads back, when the task starts (after a restart or rebalance), the tables whose release was under way, the
   * connector tasks' checkpoints and the partition's last reported progress.
   */
  private void loadState() {
    List<Long> tables = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = resolved.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        byte[] key = kv.key.get();
        if (key.length == 8) {
          long tableId = ByteBuffer.wrap(key).getLong();
          tables.add(tableId);
          if (TableState.decode(kv.value).releasing()) {
            releasing.add(tableId);
            active.add(tableId);
          }
        } else if (kv.key.equals(PARTITION_KEY)) {
          partitionResolved = ByteBuffer.wrap(kv.value).getLong(0);
          partitionCheckpoint = ByteBuffer.wrap(kv.value).getLong(8);
        } else {
          floors.load(key, kv.value);
        }
      }
    }
    if (floors.floor() == 0) {
      active.addAll(tables); // no task checkpoints: barriers advance every table, as before them
    }
  }

  /**
   * Finds the tables with buffered rows: one seek per table in the store, skipping to the next table's first key.
   * The first key after a table's start marker is its first row or its end marker. Once per task start, this steps
   * over the tombstones of released rows like the restore before it wrote them.
   */
  private void findBufferedTables() {
    Bytes from = SorterKey.tableStart(0);
    while (true) {
      Bytes first = null;
      try (KeyValueIterator<Bytes, byte[]> it = sorter.range(from, LAST_KEY)) {
        while (first == null && it.hasNext()) {
          Bytes key = it.next().key;
          if (!SorterKey.isTableStart(key)) {
            first = key;
          }
        }
      }
      if (first == null) {
        return;
      }
      long tableId = SorterKey.tableId(first);
      if (!SorterKey.isMarker(first)) {
        active.add(tableId);
      }
      if (tableId == -1L) {
        return;
      }
      from = SorterKey.tableStart(tableId + 1);
    }
  }

  private TableState state(long tableId) {
    byte[] v = resolved.get(tableKey(tableId));
    return v == null ? TableState.NEW : TableState.decode(v);
  }

  /** The barrier in force in this task's partition; 0 (release nothing) before the first one. */
  private long barrier() {
    byte[] v = resolved.get(BARRIER_KEY);
    return v == null ? 0 : ByteBuffer.wrap(v).getLong();
  }



  private static Bytes tableKey(long tableId) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(tableId).array());
  }

  private static byte[] copy(ByteBuffer buf) {
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return out;
  }
}
