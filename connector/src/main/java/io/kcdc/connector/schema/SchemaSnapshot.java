package io.kcdc.connector.schema;

import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The TiDB schema at one timestamp (TiCDC's schema snapshot): databases and tables by id and by
 * name, and the logical table of every physical table id (partitions). Immutable.
 */
public final class SchemaSnapshot {
  private final long ts;
  private final Map<Long, DBInfo> dbs;
  private final Map<Long, TableInfo> tables;
  private final Map<Long, Long> dbOfTable;
  private final Map<Long, Long> logicalOfPhysical;
  private final Map<String, Long> tableIdByName;

  /** @param tablesByDb every database id with its tables */
  public SchemaSnapshot(long ts, List<DBInfo> databases, Map<Long, List<TableInfo>> tablesByDb) {
    this.ts = ts;
    Map<Long, DBInfo> d = new HashMap<>();
    Map<Long, TableInfo> t = new HashMap<>();
    Map<Long, Long> dbOf = new HashMap<>();
    Map<Long, Long> logical = new HashMap<>();
    Map<String, Long> byName = new HashMap<>();
    for (DBInfo db : databases) {
      d.put(db.id(), db);
      for (TableInfo table : tablesByDb.getOrDefault(db.id(), List.of())) {
        t.put(table.id(), table);
        dbOf.put(table.id(), db.id());
        byName.put(nameKey(db.name().l(), table.name().l()), table.id());
        for (long physical : table.physicalTableIds()) {
          logical.put(physical, table.id());
        }
      }
    }
    this.dbs = Map.copyOf(d);
    this.tables = Map.copyOf(t);
    this.dbOfTable = Map.copyOf(dbOf);
    this.logicalOfPhysical = Map.copyOf(logical);
    this.tableIdByName = Map.copyOf(byName);
  }

  private static String nameKey(String schema, String table) {
    return schema.toLowerCase(Locale.ROOT) + "\u0000" + table.toLowerCase(Locale.ROOT);
  }

  /** The timestamp this snapshot was read at. */
  public long ts() {
    return ts;
  }

  public Collection<DBInfo> databases() {
    return dbs.values();
  }

  public Collection<TableInfo> tables() {
    return tables.values();
  }

  public Optional<DBInfo> database(long dbId) {
    return Optional.ofNullable(dbs.get(dbId));
  }

  public Optional<TableInfo> table(long tableId) {
    return Optional.ofNullable(tables.get(tableId));
  }

  /** The database a table belongs to. */
  public Optional<DBInfo> databaseOf(long tableId) {
    Long db = dbOfTable.get(tableId);
    return db == null ? Optional.empty() : database(db);
  }

  /** Case-insensitive lookup by schema and table name. */
  public Optional<TableInfo> table(String schema, String table) {
    Long id = tableIdByName.get(nameKey(schema, table));
    return id == null ? Optional.empty() : table(id);
  }

  /** The logical table of a physical table id (itself for unpartitioned tables). */
  public Optional<Long> logicalTableId(long physicalTableId) {
    return Optional.ofNullable(logicalOfPhysical.get(physicalTableId));
  }
}
