package io.kcdc.connector;

import io.kcdc.avro.RowChange;
import io.kcdc.avro.TableRemoved;
import io.kcdc.avro.TableResolved;
import io.kcdc.avro.TaskCheckpoint;
import io.kcdc.common.Tso;
import io.kcdc.connector.mounter.Mounter;
import io.kcdc.connector.mounter.RowValueDecoder;
import io.kcdc.connector.mounter.TableSchemas;
import io.kcdc.connector.puller.EventQueue;
import io.kcdc.connector.puller.PrewriteSpill;
import io.kcdc.connector.puller.Puller;
import io.kcdc.connector.puller.PullerEvent;
import io.kcdc.connector.schema.DdlJobRows;
import io.kcdc.connector.schema.DdlPuller;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.schema.SchemaStorage;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.TableInfo;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor of a changefeed: pulls the changes of its tables from TiKV, mounts them with the
 * schema valid at their commit ts and writes {@code InternalEvent}s to the internal topic.
 *
 * <p>Task i of n captures the selected tables whose id modulo n is i. Its schema storage starts
 * from the meta snapshot at its checkpoint and replays the DDL jobs the {@link DdlPuller} hands
 * out; a row or resolved ts is processed only once the DDL puller has passed it, so the schema of
 * every row is known and a DDL that adds a table or a partition is applied before anything after
 * it: tables created later are subscribed from the DDL's finished ts. Tables and partitions that
 * leave (dropped, truncated, renamed or exchanged away, out of the filter) are unsubscribed once
 * resolved past the DDL, their later rows never mounted, and a {@code TableRemoved} tells the
 * sorter to forget them ({@link CapturedTables}, docs/schema-lifecycle.md).
 *
 * <p>Resolved ts: a table with rows since its last mark gets a {@code TableResolved} of its own; the
 * others are covered by the task's {@code TaskCheckpoint} (the minimum over its tables and the DDL
 * puller), written to every partition each resolved-ts interval, so a tick costs records for the
 * changed tables and the partitions, not for every table (docs/many-tables.md).
 *
 * <p>Source offsets: a table's is its resolved ts when it last emitted a record; the task's own
 * ({@code TaskCheckpoint}) is where its schema storage restarts and, within one task count, the
 * lowest start ts of each of its tables (a restarted task pulls each table again from the larger of
 * the two).
 */
public final class TiCdcSourceTask extends SourceTask {
  private static final Logger LOG = LoggerFactory.getLogger(TiCdcSourceTask.class);
  static final String PARTITION_CHANGEFEED = "changefeed";
  static final String PARTITION_TABLE_ID = "table_id";
  static final String PARTITION_TASK = "task";
  static final String OFFSET_RESOLVED_TS = "resolved_ts";
  static final String OFFSET_CHECKPOINT_TS = "checkpoint_ts";
  /**
   * Events per poll. Each poll is one Connect transaction ({@code transaction.boundary=poll}), and each commit costs
   * a flush, the offsets and a marker per partition: 1,024 made a 200,000-row catch-up 200 transactions and took
   * twice as long to reach the internal topic (docs/catch-up.md).
   */
  private static final int MAX_BATCH = 8192;
  private static final long POLL_WAIT_MS = 200;
  /**
   * How often a task with nothing to tell but time passing writes its checkpoint, when the resolved-ts interval is
   * shorter: each checkpoint is an exactly-once Connect transaction (and a Streams one downstream), and idle
   * changefeeds writing them every 200 ms took a third of a 2-core machine from the busy one (docs/catch-up.md).
   * TiKV's own default {@code cdc.min-ts-interval}.
   */
  static final long IDLE_CHECKPOINT_INTERVAL_MS = 1000;

  private TiCdcSourceConfig config;
  private TableSelection selection;
  private ChannelPool channels;
  private PdClient pd;
  private RegionCache regions;
  private Puller puller;
  private EventQueue queue;
  private DdlPuller ddl;
  private SchemaStorage schemas;
  private Mounter mounter;
  private long ddlResolvedTs;
  private final CapturedTables tables = new CapturedTables();
  /** Drained events not processed yet: the first waits for the DDL puller to pass it. */
  private final ArrayDeque<PullerEvent> pending = new ArrayDeque<>();
  private Map<String, Object> taskPartition;
  private long emittedCheckpointTs;
  private long lastCheckpointMs;
  /** A row or a schema change came since the last task checkpoint: the next one is due after the resolved-ts interval. */
  private boolean busySinceCheckpoint = true;
  /** Wall-clock end of {@link #start}, until the task checkpoint first passes it (then 0). */
  private long startedAtMs;
  private ProcessorMetrics metrics;
  /** The tables this task counts in {@code ticdc_processor_num_of_tables}. */
  private int countedTables;

  @Override
  public String version() {
    return Version.get();
  }

  /**
   * The source partition of a table. Connect stores partitions as JSON in the map's iteration
   * order and looks offsets up by those bytes, so the order must be the same in every JVM:
   * {@code Map.of} iterates in a per-JVM random order and would lose offsets across restarts.
   */
  static Map<String, Object> sourcePartition(String changefeedId, long tableId) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(PARTITION_CHANGEFEED, changefeedId);
    p.put(PARTITION_TABLE_ID, tableId);
    return Collections.unmodifiableMap(p);
  }

  /**
   * The source partition of a task's checkpoint; another task count starts afresh. Connect's
   * REST offsets API rebuilds partitions as {@code HashMap}s and looks them up by their JSON
   * bytes, so the keys are inserted in the order a {@code HashMap} iterates them.
   */
  static Map<String, Object> taskPartition(String changefeedId, int index, int count) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(PARTITION_TASK, index + "/" + count);
    p.put(PARTITION_CHANGEFEED, changefeedId);
    return Collections.unmodifiableMap(p);
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TiCdcSourceConfig(props);
    selection = new TableSelection(config.tableFilter(), config.forceReplicate());
    taskPartition = taskPartition(config.changefeedId(), config.taskIndex(), config.taskCount());
    metrics = ProcessorMetrics.of(config.namespace(), config.changefeedId());
    long began = System.nanoTime();
    try {
      channels = new ChannelPool(config.credential());
      pd = new PdClient(config.pdAddresses(), channels, Backoff.DEFAULT);
      regions = new RegionCache(pd);
      KvClient kv = new KvClient(regions, channels, Backoff.DEFAULT);
      SchemaLoader loader = new SchemaLoader(kv);
      OptionalLong taskCheckpoint = storedOffset(taskPartition, OFFSET_CHECKPOINT_TS);
      long schemaTs = taskCheckpoint.orElse(config.startTs());
      long offsetsRead = System.nanoTime();
      SchemaSnapshot snapshot = loader.load(schemaTs);
      long schemaLoaded = System.nanoTime();
      Map<Long, Long> startTs = startTsOf(myTables(snapshot), schemaTs, taskCheckpoint.isPresent());
      long lowest = startTs.values().stream().reduce(schemaTs, Tso::min);
      if (lowest != schemaTs) {
        // A table is behind the task checkpoint (an older incarnation's offsets): replay from it.
        schemaTs = lowest;
        snapshot = loader.load(schemaTs);
        startTs = startTsOf(myTables(snapshot), schemaTs, false);
      }
      schemas = new SchemaStorage(snapshot);
      ddlResolvedTs = schemaTs;
      emittedCheckpointTs = schemaTs;
      mounter = new Mounter(rowDecoder());
      // memory_quota is sized for TiCDC's big machines; a task never takes more than an eighth of this heap
      long quota = Math.min(config.memoryQuotaBytes(), Runtime.getRuntime().maxMemory() / 8);
      queue = new EventQueue(quota);
      PrewriteSpill prewrites = new PrewriteSpill(Math.max(quota / 4, 4L << 20),
          Path.of(System.getProperty("java.io.tmpdir")));
      puller = new Puller(regions, channels, queue, config.resolvedTsIntervalMs(), prewrites, metrics);
      for (Map.Entry<Long, Long> e : startTs.entrySet()) {
        addTable(snapshot, e.getKey(), e.getValue());
      }
      ddl = new DdlPuller(regions, channels, DdlJobRows.of(snapshot), schemaTs, config.resolvedTsIntervalMs());
      puller.start();
      // how long each step took: a restarted task's start is part of the recovery time (docs/crash-recovery.md)
      long done = System.nanoTime();
      startedAtMs = System.currentTimeMillis();
      LOG.info("changefeed {} task {}/{} started at schema ts {} with tables {} in {} ms (checkpoint read {} ms, "
              + "schema {} ms, table offsets and subscriptions {} ms)", config.changefeedId(),
          config.taskIndex(), config.taskCount(), Long.toUnsignedString(schemaTs), startTs, millis(done - began),
          millis(offsetsRead - began), millis(schemaLoaded - offsetsRead), millis(done - schemaLoaded));
    } catch (RuntimeException e) {
      metrics.exitedWithError();
      stop();
      throw e instanceof ConnectException c ? c : new ConnectException("cannot start TiCDC task: " + e.getMessage(), e);
    }
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  static RowValueDecoder rowDecoder() {
    return (table, key, value) -> Arrays.asList(RowDecoder.decode(table, key, value));
  }

  /** The selected tables of the snapshot that belong to this task. */
  private List<Long> myTables(SchemaSnapshot snapshot) {
    return selection.select(snapshot).stream()
        .filter(id -> TableSelection.taskOf(id, config.taskCount()) == config.taskIndex())
        .toList();
  }

  /**
   * Start ts per table: its stored offset if any, else {@code fallback}; with {@code atLeastFallback} (the fallback is
   * this task's committed checkpoint) never below it: the checkpoint was committed after every row of the task's
   * tables up to it, and an idle table's own offset is only moved by its rare own records. One read for all tables:
   * each read of Connect's offset store reads the offsets topic to its end, so a read per table would make a task's
   * start (and its restart after a crash) O(tables) round trips (docs/crash-recovery.md#task-start).
   */
  private Map<Long, Long> startTsOf(List<Long> ids, long fallback, boolean atLeastFallback) {
    Map<Map<String, Object>, Long> partitions = new LinkedHashMap<>();
    for (long id : ids) {
      partitions.put(sourcePartition(config.changefeedId(), id), id);
    }
    Map<Map<String, Object>, Map<String, Object>> stored =
        context == null ? Map.of() : context.offsetStorageReader().offsets(partitions.keySet());
    Map<Long, Long> out = new LinkedHashMap<>();
    partitions.forEach((partition, id) -> {
      long ts = offsetField(stored == null ? null : stored.get(partition), OFFSET_RESOLVED_TS).orElse(fallback);
      out.put(id, atLeastFallback ? Tso.max(ts, fallback) : ts);
    });
    return out;
  }

  private OptionalLong storedOffset(Map<String, Object> partition, String field) {
    return offsetField(context == null ? null : context.offsetStorageReader().offset(partition), field);
  }

  private static OptionalLong offsetField(Map<String, Object> offset, String field) {
    Object ts = offset == null ? null : offset.get(field);
    return ts instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
  }

  /** Subscribes every physical table of a logical table from {@code startTs}. */
  private void addTable(SchemaSnapshot snapshot, long tableId, long startTs) {
    TableInfo table = snapshot.table(tableId)
        .orElseThrow(() -> new ConnectException("table " + tableId + " does not exist at ts " + snapshot.ts()));
    CapturedTables.Table t = tables.add(tableId, sourcePartition(config.changefeedId(), tableId), startTs);
    for (long physical : table.physicalTableIds()) {
      subscribe(t, physical, startTs);
    }
  }

  /** Pulls one physical table for {@code t} under a subscription of its own. */
  private void subscribe(CapturedTables.Table t, long physicalId, long startTs) {
    CapturedTables.Span span = tables.addSpan(t, physicalId, startTs);
    puller.subscribe(span.id, List.of(physicalId), startTs);
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    if (puller == null) {
      Thread.sleep(POLL_WAIT_MS);
      return null;
    }
    failIfBroken(puller.failure(), "puller");
    failIfBroken(ddl.failure(), "DDL puller");
    List<SourceRecord> out = new ArrayList<>();
    boolean blocked = !pending.isEmpty() && !passedByDdl(pending.peekFirst());
    DdlPuller.Batch batch = ddl.poll(blocked ? POLL_WAIT_MS : 0);
    for (DdlJob job : batch.jobs()) {
      SchemaSnapshot next = schemas.apply(job);
      if (next != null) {
        onSchemaChange(next);
      }
    }
    ddlResolvedTs = batch.resolvedTs();
    if (pending.isEmpty()) {
      pending.addAll(queue.drain(MAX_BATCH, blocked ? 0 : POLL_WAIT_MS));
    }
    while (!pending.isEmpty() && passedByDdl(pending.peekFirst())) {
      process(pending.pollFirst(), out);
    }
    releaseDone(out);
    countTables();
    maybeCheckpoint(out);
    return out.isEmpty() ? null : out;
  }

  private void failIfBroken(Throwable failure, String what) {
    if (failure != null) {
      metrics.exitedWithError();
      throw new ConnectException("changefeed " + config.changefeedId() + ": " + what + " failed: " + failure.getMessage(), failure);
    }
  }

  /** True once every DDL that can apply to the event is in the schema storage. */
  private boolean passedByDdl(PullerEvent e) {
    long ts = e instanceof PullerEvent.RowEvent row ? row.entry().commitTs() : ((PullerEvent.Resolved) e).resolvedTs();
    return !Tso.after(ts, ddlResolvedTs);
  }

  /**
   * After a DDL: subscribes this task's tables that the new snapshot selects and it does not pull
   * yet (created, truncated, recovered, renamed or exchanged into the filter) and their new
   * physical tables, all from the DDL's finished ts; retires the spans of physical tables a table
   * no longer has (dropped, truncated, exchanged partitions) and the tables the snapshot no longer
   * selects (docs/schema-lifecycle.md).
   */
  private void onSchemaChange(SchemaSnapshot snapshot) {
    busySinceCheckpoint = true; // the owner writes the DDL once the tables' checkpoints pass it
    long ts = snapshot.ts();
    List<Long> selected = myTables(snapshot);
    for (long id : selected) {
      CapturedTables.Table t = tables.table(id);
      if (t == null) {
        long offset = storedOffset(sourcePartition(config.changefeedId(), id), OFFSET_RESOLVED_TS).orElse(ts);
        addTable(snapshot, id, Tso.max(offset, ts));
        LOG.info("changefeed {}: table {} joins at {}", config.changefeedId(), id, Long.toUnsignedString(ts));
        continue;
      }
      tables.revive(t);
      List<Long> physicals = snapshot.table(id).orElseThrow().physicalTableIds();
      for (CapturedTables.Span span : List.copyOf(t.spans)) {
        if (span.live() && !physicals.contains(span.physicalId)) {
          tables.retire(span, ts);
        }
      }
      for (long physical : physicals) {
        if (!t.pullsLive(physical)) {
          subscribe(t, physical, ts);
        }
      }
    }
    for (CapturedTables.Table t : tables.tables()) {
      if (!t.retired() && !selected.contains(t.id)) {
        tables.retire(t, ts);
        LOG.info("changefeed {}: table {} leaves at {}", config.changefeedId(), t.id, Long.toUnsignedString(ts));
      }
    }
  }

  private void process(PullerEvent e, List<SourceRecord> out) {
    CapturedTables.Span span = tables.span(e.tableId());
    if (span == null) {
      return; // queued before its span was unsubscribed
    }
    CapturedTables.Table t = span.table;
    metrics.collected(e instanceof PullerEvent.RowEvent);
    if (e instanceof PullerEvent.Resolved r) {
      tables.resolved(span, r.resolvedTs()).ifPresent(ts -> {
        // an idle table's advance is carried by the next TaskCheckpoint, one record for all of them
        if (t.dirty || t.retired()) {
          t.dirty = false;
          out.add(record(t, TableResolved.newBuilder().setTableId(t.id).setResolvedTs(ts).build()));
        }
      });
    } else if (e instanceof PullerEvent.RowEvent row && span.accepts(row.entry().commitTs())) {
      // A later row of a retired span belongs to whichever table has the physical id now.
      mount(t, row, out);
    }
  }

  /**
   * Unsubscribes the spans resolved past their retiring DDL (TiKV frees their regions) and
   * removes the tables that are done, telling the sorter with a {@code TableRemoved}.
   */
  private void releaseDone(List<SourceRecord> out) {
    for (CapturedTables.Span span : tables.takeDoneSpans()) {
      puller.unsubscribe(span.id);
      LOG.debug("changefeed {}: {} released", config.changefeedId(), span);
    }
    for (CapturedTables.Table t : tables.takeDoneTables()) {
      out.add(record(t, TableRemoved.newBuilder().setTableId(t.id).setRemovedTs(t.retiredAt).build()));
      LOG.info("changefeed {}: table {} removed at {}", config.changefeedId(), t.id, Long.toUnsignedString(t.retiredAt));
    }
  }

  private void mount(CapturedTables.Table t, PullerEvent.RowEvent row, List<SourceRecord> out) {
    long schemaTs = row.entry().commitTs() - 1;
    SchemaSnapshot snapshot = schemas.snapshotAt(schemaTs);
    TableInfo table = snapshot.table(t.id)
        .orElseThrow(() -> new ConnectException("table " + t.id + " not found in the schema at " + schemaTs));
    long version = snapshot.tableVersion(t.id);
    if (version != t.emittedSchemaVersion) {
      String schemaName = snapshot.databaseOf(t.id).map(db -> db.name().o()).orElse("");
      t.emittedSchemaVersion = version;
      out.add(record(t, TableSchemas.of(t.id, schemaName, table, version)));
    }
    RowChange change;
    try {
      change = mounter.mount(row.entry(), t.id, table, version);
    } catch (RuntimeException ex) {
      throw new ConnectException("cannot mount " + row.entry() + " of table " + t.id + ": " + ex.getMessage(), ex);
    }
    if (change == null) {
      LOG.warn("skipping a row change without values: {}", row.entry());
      return;
    }
    metrics.rowMounted();
    t.dirty = true;
    busySinceCheckpoint = true;
    out.add(record(t, change));
  }

  /** Keeps this task's share of {@code ticdc_processor_num_of_tables} at its live tables. */
  private void countTables() {
    int live = tables.liveTableCount();
    if (live != countedTables) {
      metrics.tables(live - countedTables);
      countedTables = live;
    }
  }

  /**
   * Emits the task checkpoint to every partition of the internal topic (at most once per resolved-ts interval) and
   * forgets schema versions below it. It is the resolved ts of every table of the task: each table's rows up to it
   * precede it in its partition, so the sorter releases idle tables by it and a table needs a {@code TableResolved}
   * of its own only when it has rows; a tick costs O(partitions + changed tables), not O(tables).
   *
   * <p>A task that had neither rows nor a schema change since its last checkpoint writes the next one only after
   * {@link #checkpointInterval}: the rows of a table with rows are released by the table's own {@code TableResolved},
   * so only the checkpoint of an idle changefeed moves in larger steps.
   */
  private void maybeCheckpoint(List<SourceRecord> out) {
    long now = System.currentTimeMillis();
    if (now - lastCheckpointMs < checkpointInterval(busySinceCheckpoint, config.resolvedTsIntervalMs())) {
      return;
    }
    // Once per interval even when the checkpoint did not move: the minimum goes over every table, and a poll
    // comes far more often than that (at 10,000 tables this loop on every poll was the task's largest cost).
    lastCheckpointMs = now;
    long cp = ddlResolvedTs;
    for (CapturedTables.Table t : tables.tables()) {
      if (!t.done() && Tso.before(t.resolvedTs, cp)) {
        cp = t.resolvedTs;
      }
    }
    if (!Tso.after(cp, emittedCheckpointTs)) {
      return;
    }
    emittedCheckpointTs = cp;
    busySinceCheckpoint = false;
    if (startedAtMs != 0 && Tso.physical(cp) >= startedAtMs) {
      // the rest of a restarted task's recovery: its tables scanned and resolved up to the moment it started
      LOG.info("changefeed {} task {}/{} caught up with its start: checkpoint past it {} ms after it",
          config.changefeedId(), config.taskIndex(), config.taskCount(), now - startedAtMs);
      startedAtMs = 0;
    }
    schemas.gc(cp);
    TaskCheckpoint checkpoint = TaskCheckpoint.newBuilder().setTaskIndex(config.taskIndex())
        .setTaskCount(config.taskCount()).setCheckpointTs(cp).build();
    byte[] value = InternalEvents.serialize(checkpoint);
    for (int p = 0; p < config.topicPartitions(); p++) {
      out.add(new SourceRecord(taskPartition, Map.of(OFFSET_CHECKPOINT_TS, cp), config.topic(), p,
          Schema.BYTES_SCHEMA, null, Schema.BYTES_SCHEMA, value));
    }
  }

  /** The resolved-ts interval while the task has work; when it has none, at least {@link #IDLE_CHECKPOINT_INTERVAL_MS}. */
  static long checkpointInterval(boolean busy, long resolvedTsIntervalMs) {
    return busy ? resolvedTsIntervalMs : Math.max(resolvedTsIntervalMs, IDLE_CHECKPOINT_INTERVAL_MS);
  }

  private SourceRecord record(CapturedTables.Table t, Object payload) {
    return new SourceRecord(t.partition, Map.of(OFFSET_RESOLVED_TS, t.resolvedTs), config.topic(),
        InternalEvents.partitionOf(t.id, config.topicPartitions()),
        Schema.BYTES_SCHEMA, InternalEvents.key(t.id), Schema.BYTES_SCHEMA, InternalEvents.serialize(payload));
  }

  @Override
  public synchronized void stop() {
    if (metrics != null && countedTables != 0) {
      metrics.tables(-countedTables);
      countedTables = 0;
    }
    if (ddl != null) {
      ddl.close();
    }
    if (puller != null) {
      puller.close();
    }
    if (pd != null) {
      pd.close();
    }
    if (channels != null) {
      channels.close();
    }
  }
}
