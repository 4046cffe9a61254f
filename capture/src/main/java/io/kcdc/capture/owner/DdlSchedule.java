package io.kcdc.capture.owner;

import io.kcdc.avro.Ddl;
import io.kcdc.common.Tso;
import io.kcdc.connector.TableSelection;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.schema.SchemaStorage;
import io.kcdc.tidb.schema.DdlJob;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The owner's DDL barrier for one changefeed (TiCDC's owner DDL manager and barrier), pure: DDL
 * jobs come in finished-ts order from the DDL puller; the barrier is the finished ts of the first
 * DDL not yet written, or the DDL puller's resolved ts when none is pending. The sorters release
 * no row above the barrier, so once every table's checkpoint reaches a DDL's finished ts all rows
 * before it are in the sink and the DDL is due; after it is written the barrier moves on and the
 * tables the DDL created join the set the checkpoint is the minimum of.
 */
public final class DdlSchedule {
  private final SchemaStorage storage;
  private final TableSelection selection;
  private final DdlEvents events;
  private final ArrayDeque<DdlJob> pending = new ArrayDeque<>();
  /** The changefeed's {@code target_ts}; 0 when it has none. */
  private final long targetTs;
  private long resolvedTs;
  /** {@link #tables()} of {@link #tablesSchema}. */
  private Set<Long> tables;
  private SchemaSnapshot tablesSchema;

  /** @param storage starting at the changefeed checkpoint */
  public DdlSchedule(SchemaStorage storage, TableSelection selection, DdlEvents events) {
    this(storage, selection, events, 0);
  }

  /**
   * @param targetTs the changefeed's {@code target_ts} (0: none): the barrier never passes it, so no row or DDL
   *     with a larger commit ts reaches the sink, and the checkpoint stops exactly there
   */
  public DdlSchedule(SchemaStorage storage, TableSelection selection, DdlEvents events, long targetTs) {
    this.storage = storage;
    this.selection = selection;
    this.events = events;
    this.targetTs = targetTs;
    this.resolvedTs = storage.latest().ts();
  }

  /** Jobs from the DDL puller, in finished-ts order, and its resolved ts. */
  public void onJobs(List<DdlJob> jobs, long ddlResolvedTs) {
    for (DdlJob job : jobs) {
      if (storage.apply(job) != null) {
        pending.add(job);
      }
    }
    if (Tso.after(ddlResolvedTs, resolvedTs)) {
      resolvedTs = ddlResolvedTs;
    }
  }

  /** No row above this may be released yet. */
  public long barrierTs() {
    long barrier = pending.isEmpty() ? resolvedTs : pending.peekFirst().binlog().finishedTs();
    return targetTs != 0 && Tso.after(barrier, targetTs) ? targetTs : barrier;
  }

  /** A DDL is waiting for the rows before it: the barrier stands at its finished ts. */
  public boolean ddlPending() {
    return !pending.isEmpty();
  }

  /** The first pending DDL's finished ts; only meaningful while {@link #due} holds. */
  public long dueTs() {
    return pending.peekFirst().binlog().finishedTs();
  }

  /** The schema the rows up to the barrier are in: just before the pending DDL, else the latest. */
  public SchemaSnapshot schemaAtBarrier() {
    return pending.isEmpty() ? storage.latest() : storage.snapshotAt(pending.peekFirst().binlog().finishedTs() - 1);
  }

  /**
   * The logical tables replicated up to the barrier (read-only). Selected again only when the schema at the barrier
   * changes: the owner asks every tick, and selecting 10,000 tables each time made a tick O(tables).
   */
  public Set<Long> tables() {
    SchemaSnapshot schema = schemaAtBarrier();
    if (schema != tablesSchema) {
      tables = Collections.unmodifiableSet(new TreeSet<>(selection.select(schema)));
      tablesSchema = schema;
    }
    return tables;
  }

  /**
   * The changefeed checkpoint: the minimum of the tables' checkpoints (empty while one is
   * unknown), never above the barrier; the barrier itself when there are no tables.
   */
  public OptionalLong checkpoint(Function<Set<Long>, OptionalLong> minCheckpoint) {
    Set<Long> tables = tables();
    if (tables.isEmpty()) {
      return OptionalLong.of(barrierTs());
    }
    OptionalLong min = minCheckpoint.apply(tables);
    if (min.isEmpty()) {
      return min;
    }
    return OptionalLong.of(Tso.min(min.getAsLong(), barrierTs()));
  }

  /** The pending DDL whose rows before it are all written ({@code checkpoint} reached it), if any. */
  public boolean due(long checkpoint) {
    return !pending.isEmpty() && !Tso.before(checkpoint, pending.peekFirst().binlog().finishedTs());
  }

  /** The sink events of the due DDL (possibly none: filtered or not replicated). */
  public List<Ddl> dueEvents() {
    DdlJob job = pending.peekFirst();
    long ts = job.binlog().finishedTs();
    return events.of(job, storage.snapshotAt(ts - 1), storage.snapshotAt(ts));
  }

  /** The due DDL is written: the barrier moves on. */
  public void written() {
    pending.pollFirst();
  }

  /** Forgets schema versions below the checkpoint. */
  public void gc(long checkpoint) {
    storage.gc(checkpoint);
  }
}
