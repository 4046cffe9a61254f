package io.kcdc.connector;

import io.kcdc.common.Tso;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The tables a task captures and the physical spans it pulls for them (docs/schema-lifecycle.md).
 * A span is one physical table (the table itself or one partition) pulled on behalf of one
 * logical table, under its own puller subscription id: after EXCHANGE PARTITION or a rename the
 * same physical id can belong to another logical table from the DDL's finished ts on, so a span
 * never changes owner; it retires at that ts and a new span takes over.
 *
 * <p>A retired span still delivers its rows up to the retiring ts; later rows are not its table's
 * and are never mounted. It is done once resolved past that ts, and then unsubscribed. A table
 * retires with all its spans when the filter no longer selects it (dropped, truncated,
 * renamed or exchanged away); it is done once every span is, and then removed. Pure bookkeeping:
 * the task does the pulling and the emitting. Not thread-safe.
 */
final class CapturedTables {
  private final Map<Long, Table> tables = new LinkedHashMap<>();
  private final Map<Long, Span> spans = new HashMap<>();
  /**
   * The retired tables and spans not taken yet, and the tables holding a span taken since the last
   * {@link #takeDoneTables}: only these can change when the task looks for what is done, which it does on every
   * poll, so a poll does not go over every table (docs/many-tables.md).
   */
  private final Set<Table> retiredTables = new LinkedHashSet<>();
  private final Set<Span> retiredSpans = new LinkedHashSet<>();
  private final Set<Table> holdingTakenSpans = new LinkedHashSet<>();
  private long nextSpanId = 1;

  /** One physical table pulled for one logical table from {@code startTs}. */
  static final class Span {
    final long id;
    final Table table;
    final long physicalId;
    long resolvedTs;
    /** The finished ts of the DDL after which the physical table is no longer this table's; 0 while live. */
    long retiredAt;

    private Span(long id, Table table, long physicalId, long startTs) {
      this.id = id;
      this.table = table;
      this.physicalId = physicalId;
      this.resolvedTs = startTs;
    }

    boolean live() {
      return retiredAt == 0;
    }

    /** A row committed at {@code commitTs} belongs to the span's table. */
    boolean accepts(long commitTs) {
      return retiredAt == 0 || !Tso.after(commitTs, retiredAt);
    }

    /** Retired and resolved past it: nothing more can come for the table. */
    boolean done() {
      return retiredAt != 0 && !Tso.before(resolvedTs, retiredAt);
    }

    @Override
    public String toString() {
      return "span " + id + " (physical " + physicalId + " of table " + table.id + ")";
    }
  }

  /** One logical table: its source partition, spans and the progress emitted for it. */
  static final class Table {
    final long id;
    final Map<String, Object> partition;
    final List<Span> spans = new ArrayList<>();
    long resolvedTs;
    long emittedSchemaVersion = -1;
    /**
     * A row or schema of the table was emitted since its last {@code TableResolved}: its next resolved ts is emitted
     * for it alone, so its rows are released without waiting for the task's slowest table. An idle table's resolved
     * ts is carried by the task's {@code TaskCheckpoint} instead (docs/many-tables.md).
     */
    boolean dirty;
    /** Finished ts of the DDL that took the table out of the changefeed; 0 while captured. */
    long retiredAt;

    private Table(long id, Map<String, Object> partition, long resolvedTs) {
      this.id = id;
      this.partition = partition;
      this.resolvedTs = resolvedTs;
    }

    boolean retired() {
      return retiredAt != 0;
    }

    /** Retired and every row up to the retiring DDL delivered. */
    boolean done() {
      return retiredAt != 0 && spans.stream().allMatch(Span::done);
    }

    boolean pullsLive(long physicalId) {
      return spans.stream().anyMatch(s -> s.live() && s.physicalId == physicalId);
    }
  }

  Table add(long tableId, Map<String, Object> partition, long startTs) {
    Table t = new Table(tableId, partition, startTs);
    Table replaced = tables.put(tableId, t);
    if (replaced != null) {
      retiredTables.remove(replaced);
    }
    return t;
  }

  /** A new span of {@code t}; the caller subscribes it under {@link Span#id}. */
  Span addSpan(Table t, long physicalId, long startTs) {
    Span s = new Span(nextSpanId++, t, physicalId, startTs);
    t.spans.add(s);
    spans.put(s.id, s);
    return s;
  }

  Table table(long tableId) {
    return tables.get(tableId);
  }

  /** The span of a subscription id; null once removed (its last events may still be queued). */
  Span span(long spanId) {
    return spans.get(spanId);
  }

  Collection<Table> tables() {
    return tables.values();
  }

  int spanCount() {
    return spans.size();
  }

  /** Tables captured and not retired. */
  int liveTableCount() {
    return tables.size() - retiredTables.size();
  }

  /** The physical table is no longer the span's table's after {@code ts}. */
  void retire(Span s, long ts) {
    if (s.live()) {
      s.retiredAt = ts;
      if (spans.get(s.id) == s) {
        retiredSpans.add(s);
      }
    }
  }

  /** The table leaves at {@code ts}, with every live span. */
  void retire(Table t, long ts) {
    t.retiredAt = ts;
    if (tables.get(t.id) == t) {
      retiredTables.add(t);
    }
    t.spans.forEach(s -> retire(s, ts));
  }

  /** The table is selected again before it was done: it stays (its retired spans still finish). */
  void revive(Table t) {
    t.retiredAt = 0;
    retiredTables.remove(t);
  }

  /**
   * Records a span's resolved ts and returns the table's new resolved ts when it advanced: the
   * minimum over its spans not done, never past the ts the table retired at.
   */
  OptionalLong resolved(Span s, long ts) {
    if (Tso.after(ts, s.resolvedTs)) {
      s.resolvedTs = ts;
    }
    Table t = s.table;
    long min = t.retired() ? t.retiredAt : -1L; // -1: the largest unsigned ts
    for (Span x : t.spans) {
      if (!x.done() && Tso.before(x.resolvedTs, min)) {
        min = x.resolvedTs;
      }
    }
    if (min == -1L || !Tso.after(min, t.resolvedTs)) {
      return OptionalLong.empty();
    }
    t.resolvedTs = min;
    return OptionalLong.of(min);
  }

  /** Removes and returns the spans that are done, so they can be unsubscribed. */
  List<Span> takeDoneSpans() {
    List<Span> out = new ArrayList<>();
    for (Iterator<Span> it = retiredSpans.iterator(); it.hasNext(); ) {
      Span s = it.next();
      if (s.done()) {
        it.remove();
        spans.remove(s.id);
        holdingTakenSpans.add(s.table);
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Removes and returns the tables that are done (their spans must have been taken already);
   * a done table's resolved ts is its retiring ts.
   */
  List<Table> takeDoneTables() {
    List<Table> out = new ArrayList<>();
    for (Iterator<Table> it = retiredTables.iterator(); it.hasNext(); ) {
      Table t = it.next();
      if (t.done()) {
        it.remove();
        tables.remove(t.id, t);
        out.add(t);
      }
    }
    for (Table t : holdingTakenSpans) {
      t.spans.removeIf(Span::done);
    }
    holdingTakenSpans.clear();
    return out;
  }
}
