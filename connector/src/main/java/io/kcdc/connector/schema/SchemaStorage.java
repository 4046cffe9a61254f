package io.kcdc.connector.schema;

import io.kcdc.common.Tso;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.RenameTablesArgs;
import io.kcdc.tidb.schema.TableInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Schema snapshots by timestamp (TiCDC's {@code SchemaStorage},
 * docs/schema-and-ddl.md#schema-storage): the snapshot a changefeed starts from, then one snapshot
 * per replayed DDL job, ordered by the job's finished ts. The mounter asks for the schema valid at
 * {@code commitTs - 1}, found by a floor lookup (TiCDC's binary search in {@code GetSnapshot});
 * {@link #gc} drops what lies below the checkpoint (docs/schema-lifecycle.md). Not thread-safe: one
 * owner thread applies jobs and reads snapshots.
 */
public final class SchemaStorage {
  /** By ts, compared as unsigned TSOs. */
  private final TreeMap<Long, SchemaSnapshot> snapshots = new TreeMap<>(Tso::compare);

  public SchemaStorage(SchemaSnapshot start) {
    snapshots.put(start.ts(), start);
  }

  /** The last snapshot valid at or below {@code ts} (the first one for older ts). */
  public SchemaSnapshot snapshotAt(long ts) {
    Map.Entry<Long, SchemaSnapshot> e = snapshots.floorEntry(ts);
    return e != null ? e.getValue() : snapshots.firstEntry().getValue();
  }

  public SchemaSnapshot latest() {
    return snapshots.lastEntry().getValue();
  }

  /** How many snapshots are kept. */
  public int size() {
    return snapshots.size();
  }

  /**
   * Applies a finished job ({@code binlog.FinishedTS} set) on top of the latest snapshot.
   *
   * @return the new snapshot, or null when the job is ignored (schema version 0, or not newer
   *     than the latest snapshot: a job read twice)
   */
  public SchemaSnapshot apply(DdlJob job) {
    HistoryInfo b = job.binlog();
    if (b == null || b.schemaVersion() == 0 || !Tso.after(b.finishedTs(), latest().ts())) {
      return null;
    }
    SchemaSnapshot next = next(latest(), job, b);
    snapshots.put(next.ts(), next);
    return next;
  }

  /**
   * Forgets snapshots nobody can ask for any more: every one older than the one valid at
   * {@code ts} (TiCDC's {@code DoGC} keeps the last snapshot at or below the checkpoint).
   */
  public void gc(long ts) {
    Long keep = snapshots.floorKey(ts);
    if (keep != null) {
      snapshots.headMap(keep, false).clear();
    }
  }

  private static SchemaSnapshot next(SchemaSnapshot prev, DdlJob job, HistoryInfo b) {
    SchemaSnapshot.Editor e = prev.edit(b.finishedTs());
    switch (job.type()) {
      case ActionType.CREATE_SCHEMA, ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE,
          ActionType.MODIFY_SCHEMA_DEFAULT_PLACEMENT, ActionType.MODIFY_SCHEMA_READ_ONLY -> {
        if (b.dbInfo() != null) {
          e.putDatabase(b.dbInfo());
        }
      }
      case ActionType.DROP_SCHEMA -> e.dropDatabase(job.schemaId());
      case ActionType.CREATE_TABLES -> {
        for (TableInfo t : b.multipleTableInfos() == null ? List.<TableInfo>of() : b.multipleTableInfos()) {
          e.putTable(job.schemaId(), t);
        }
      }
      case ActionType.DROP_TABLE, ActionType.DROP_VIEW, ActionType.DROP_SEQUENCE -> e.dropTable(job.tableId());
      case ActionType.TRUNCATE_TABLE, ActionType.RENAME_TABLE -> {
        // The old id leaves (truncate gives the table a new id; rename may change its database).
        e.dropTable(job.tableId());
        if (b.tableInfo() != null) {
          e.putTable(job.schemaId(), b.tableInfo());
        }
      }
      case ActionType.RENAME_TABLES -> {
        // Each table keeps its id and moves to its new database (docs/schema-lifecycle.md).
        RenameTablesArgs args = RenameTablesArgs.of(job);
        for (TableInfo t : b.multipleTableInfos() == null ? List.<TableInfo>of() : b.multipleTableInfos()) {
          long db = args.of(t.id()).map(RenameTablesArgs.Entry::newSchemaId)
              .orElseGet(() -> e.databaseOf(t.id()).orElse(job.schemaId()));
          e.dropTable(t.id());
          e.putTable(db, t);
        }
      }
      case ActionType.EXCHANGE_TABLE_PARTITION -> {
        if (b.tableInfo() != null) {
          exchangePartition(prev, e, b.tableInfo());
        }
      }
      default -> {
        // Every other table DDL (columns, indexes, partitions, options...) replaces the table by
        // the definition it finished with.
        if (b.tableInfo() != null) {
          long db = e.databaseOf(b.tableInfo().id()).orElse(job.schemaId());
          e.putTable(db, b.tableInfo());
        }
      }
    }
    return e.build();
  }

  /**
   * EXCHANGE PARTITION swaps ids (docs/schema-lifecycle.md): the job's TableInfo is the
   * partitioned table after the swap; the one id new among its partitions is the normal table's
   * old id, and the one gone is the partition's old id, which the normal table takes.
   */
  private static void exchangePartition(SchemaSnapshot prev, SchemaSnapshot.Editor e, TableInfo partitioned) {
    TableInfo before = prev.table(partitioned.id()).orElseThrow(() -> new IllegalStateException(
        "EXCHANGE PARTITION of table " + partitioned.id() + ", which the schema does not have"));
    Set<Long> oldIds = partitionIds(before);
    Set<Long> newIds = partitionIds(partitioned);
    Set<Long> gained = new HashSet<>(newIds);
    gained.removeAll(oldIds);
    Set<Long> lost = new HashSet<>(oldIds);
    lost.removeAll(newIds);
    if (gained.size() != 1 || lost.size() != 1) {
      throw new IllegalStateException("EXCHANGE PARTITION of table " + partitioned.id()
          + " must swap exactly one partition id, got " + gained + " for " + lost);
    }
    long normalOldId = gained.iterator().next();
    long partitionOldId = lost.iterator().next();
    TableInfo normal = prev.table(normalOldId).orElseThrow(() -> new IllegalStateException(
        "EXCHANGE PARTITION with table " + normalOldId + ", which the schema does not have"));
    long normalDb = e.databaseOf(normalOldId).orElseThrow();
    e.putTable(e.databaseOf(partitioned.id()).orElseThrow(), partitioned);
    e.dropTable(normalOldId);
    e.putTable(normalDb, normal.toBuilder().id(partitionOldId).build());
  }

  private static Set<Long> partitionIds(TableInfo t) {
    Set<Long> ids = new HashSet<>();
    if (t.partition() != null) {
      for (PartitionDefinition d : t.partition().definitions()) {
        ids.add(d.id());
      }
    }
    return ids;
  }
}
