package io.kcdc.connector.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Schema snapshots by timestamp (TiCDC's {@code SchemaStorage},
 * docs/schema-and-ddl.md#schema-storage): the snapshot a changefeed starts from, then one snapshot
 * per replayed DDL job, ordered by the job's finished ts. The mounter asks for the schema valid at
 * {@code commitTs - 1}. Not thread-safe: one owner thread applies jobs and reads snapshots.
 */
public final class SchemaStorage {
  private final List<SchemaSnapshot> snapshots = new ArrayList<>();

  public SchemaStorage(SchemaSnapshot start) {
    snapshots.add(start);
  }

  /** The last snapshot valid at or below {@code ts} (the first one for older ts). */
  public SchemaSnapshot snapshotAt(long ts) {
    for (int i = snapshots.size() - 1; i > 0; i--) {
      if (Long.compareUnsigned(snapshots.get(i).ts(), ts) <= 0) {
        return snapshots.get(i);
      }
    }
    return snapshots.get(0);
  }

  public SchemaSnapshot latest() {
    return snapshots.get(snapshots.size() - 1);
  }

  /**
   * Applies a finished job ({@code binlog.FinishedTS} set) on top of the latest snapshot.
   *
   * @return the new snapshot, or null when the job is ignored (schema version 0, or not newer
   *     than the latest snapshot: a job read twice)
   */
  public SchemaSnapshot apply(DdlJob job) {
    HistoryInfo b = job.binlog();
    if (b == null || b.schemaVersion() == 0 || Long.compareUnsigned(b.finishedTs(), latest().ts()) <= 0) {
      return null;
    }
    SchemaSnapshot next = next(latest(), job, b);
    snapshots.add(next);
    return next;
  }

  /** Forgets snapshots nobody can ask for any more: every one older than the one valid at {@code ts}. */
  public void gc(long ts) {
    SchemaSnapshot keep = snapshotAt(ts);
    int i = snapshots.indexOf(keep);
    if (i > 0) {
      snapshots.subList(0, i).clear();
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
        // raw_args (job version 1): [oldSchemaIDs, newSchemaIDs, tableNames, tableIDs, ...].
        JsonNode newSchemas = job.rawArgs() == null ? null : job.rawArgs().path(1);
        JsonNode tableIds = job.rawArgs() == null ? null : job.rawArgs().path(3);
        for (TableInfo t : b.multipleTableInfos() == null ? List.<TableInfo>of() : b.multipleTableInfos()) {
          long db = e.databaseOf(t.id()).orElse(job.schemaId());
          for (int i = 0; tableIds != null && i < tableIds.size(); i++) {
            if (tableIds.get(i).asLong() == t.id() && newSchemas.has(i)) {
              db = newSchemas.get(i).asLong();
            }
          }
          e.putTable(db, t);
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
}
