package io.kcdc.connector.schema;

import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The TiDB schema at one timestamp (TiCDC's schema snapshot): databases and tables by id and by
 * name, the logical table of every physical table id (partitions), and each table's version (the
 * finished ts of the last DDL that changed it; 0 for tables as the changefeed first read them).
 * Immutable; {@link SchemaStorage} derives the next snapshot from a DDL job.
 */
public final class SchemaSnapshot {
  private final long ts;
  private final Map<Long, DBInfo> dbs;
  private final Map<Long, TableInfo> tables;
  private final Map<Long, Long> dbOfTable;
  private final Map<Long, Long> versions;
  private final Map<Long, Long> logicalOfPhysical;
  private final Map<String, Long> tableIdByName;

  /** @param tablesByDb every database id with its tables, all at version 0 */
  public SchemaSnapshot(long ts, List<DBInfo> databases, Map<Long, List<TableInfo>> tablesByDb) {
    this(ts, index(databases), flatten(tablesByDb), dbIndex(tablesByDb), Map.of());
  }

  private SchemaSnapshot(long ts, Map<Long, DBInfo> dbs, Map<Long, TableInfo> tables, Map<Long, Long> dbOfTable,
      Map<Long, Long> versions) {
    this.ts = ts;
    this.dbs = Map.copyOf(dbs);
    this.tables = Map.copyOf(tables);
    this.dbOfTable = Map.copyOf(dbOfTable);
    this.versions = Map.copyOf(versions);
    Map<Long, Long> logical = new HashMap<>();
    Map<String, Long> byName = new HashMap<>();
    for (TableInfo table : tables.values()) {
      DBInfo db = dbs.get(dbOfTable.get(table.id()));
      if (db != null) {
        byName.put(nameKey(db.name().l(), table.name().l()), table.id());
      }
      for (long physical : table.physicalTableIds()) {
        logical.put(physical, table.id());
      }
    }
    this.logicalOfPhysical = Map.copyOf(logical);
    this.tableIdByName = Map.copyOf(byName);
  }

  private static Map<Long, DBInfo> index(List<DBInfo> databases) {
    Map<Long, DBInfo> d = new LinkedHashMap<>();
    databases.forEach(db -> d.put(db.id(), db));
    return d;
  }

  private static Map<Long, TableInfo> flatten(Map<Long, List<TableInfo>> tablesByDb) {
    Map<Long, TableInfo> t = new HashMap<>();
    tablesByDb.values().forEach(list -> list.forEach(table -> t.put(table.id(), table)));
    return t;
  }

  private static Map<Long, Long> dbIndex(Map<Long, List<TableInfo>> tablesByDb) {
    Map<Long, Long> dbOf = new HashMap<>();
    tablesByDb.forEach((db, list) -> list.forEach(table -> dbOf.put(table.id(), db)));
    return dbOf;
  }

  private static String nameKey(String schema, String table) {
    return schema.toLowerCase(Locale.ROOT) + "\u0000" + table.toLowerCase(Locale.ROOT);
  }

  /** The timestamp this snapshot is valid from: the read ts, or the finished ts of its DDL. */
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

  /** Finished ts of the DDL that produced the table's current definition; 0 if none was replayed. */
  public long tableVersion(long tableId) {
    return versions.getOrDefault(tableId, 0L);
  }

  /** A changed copy; every change made through it is stamped with the new snapshot's ts. */
  Editor edit(long newTs) {
    return new Editor(newTs);
  }

  /** Builds the snapshot that follows this one. */
  final class Editor {
    private final long newTs;
    private final Map<Long, DBInfo> d = new LinkedHashMap<>(dbs);
    private final Map<Long, TableInfo> t = new HashMap<>(tables);
    private final Map<Long, Long> dbOf = new HashMap<>(dbOfTable);
    private final Map<Long, Long> v = new HashMap<>(versions);

    private Editor(long newTs) {
      this.newTs = newTs;
    }

    Editor putDatabase(DBInfo db) {
      d.put(db.id(), db);
      return this;
    }

    /** Drops a database and every table in it. */
    Editor dropDatabase(long dbId) {
      d.remove(dbId);
      List.copyOf(dbOf.entrySet()).stream().filter(e -> e.getValue() == dbId).forEach(e -> dropTable(e.getKey()));
      return this;
    }

    /** Adds or replaces a table; a table moved to another database leaves the old one. */
    Editor putTable(long dbId, TableInfo table) {
      t.put(table.id(), table);
      dbOf.put(table.id(), dbId);
      v.put(table.id(), newTs);
      return this;
    }

    Editor dropTable(long tableId) {
      t.remove(tableId);
      dbOf.remove(tableId);
      v.remove(tableId);
      return this;
    }

    Optional<Long> databaseOf(long tableId) {
      return Optional.ofNullable(dbOf.get(tableId));
    }

    SchemaSnapshot build() {
      return new SchemaSnapshot(newTs, d, t, dbOf, v);
    }
  }
}
