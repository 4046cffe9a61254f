package io.kcdc.upstream.catalog;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * TiDB's schema catalog in the meta keys ({@code pkg/meta}): the {@code DBs} hash of DBInfo JSON,
 * one {@code DB:<id>} hash of TableInfo JSON per database, {@code NextGlobalID} and
 * {@code SchemaVersionKey}. Reads go through a snapshot, writes through the caller's transaction,
 * so a DDL's meta change commits atomically with its job row.
 */
public final class Catalog {
  /** Scan limit for "everything"; kept well below Integer.MAX_VALUE so limit arithmetic cannot overflow. */
  static final int SCAN_ALL = 1 << 30;

  private Catalog() {}

  public static List<DBInfo> databases(Snapshot s) {
    List<DBInfo> out = new ArrayList<>();
    for (KvPair p : scanHash(s, MetaCodec.DBS)) {
      out.add(SchemaJson.read(p.value(), DBInfo.class));
    }
    out.sort(Comparator.comparing(db -> db.name().l()));
    return out;
  }

  public static Optional<DBInfo> database(Snapshot s, String name) {
    return databases(s).stream().filter(db -> db.name().l().equalsIgnoreCase(name)).findFirst();
  }

  public static Optional<DBInfo> database(Snapshot s, long dbId) {
    return s.get(MetaCodec.hashFieldKey(MetaCodec.DBS, MetaCodec.dbKey(dbId)))
        .map(v -> SchemaJson.read(v, DBInfo.class));
  }

  /** Tables of a database in id order. */
  public static List<TableInfo> tables(Snapshot s, long dbId) {
    List<TableInfo> out = new ArrayList<>();
    for (KvPair p : scanHash(s, MetaCodec.dbKey(dbId))) {
      if (MetaCodec.isTableField(MetaCodec.hashField(p.key()))) {
        out.add(SchemaJson.read(p.value(), TableInfo.class));
      }
    }
    out.sort(Comparator.comparingLong(TableInfo::id));
    return out;
  }

  public static Optional<TableInfo> table(Snapshot s, long dbId, String name) {
    return tables(s, dbId).stream()
        .filter(t -> t.name().l().equalsIgnoreCase(name))
        .findFirst();
  }

  /** TiDB's {@code GenGlobalID}: increments {@code NextGlobalID} and returns the new value. */
  public static long genGlobalId(Transaction txn) {
    return incrementString(txn, MetaCodec.NEXT_GLOBAL_ID, 1);
  }

  /** Raises {@code SchemaVersionKey} by one and returns the new schema version. */
  public static long bumpSchemaVersion(Transaction txn) {
    return incrementString(txn, MetaCodec.SCHEMA_VERSION_KEY, 1);
  }

  public static long schemaVersion(Snapshot s) {
    return readLong(s, MetaCodec.stringKey(MetaCodec.SCHEMA_VERSION_KEY));
  }

  public static void putDatabase(Transaction txn, DBInfo db) {
    txn.put(MetaCodec.hashFieldKey(MetaCodec.DBS, MetaCodec.dbKey(db.id())), SchemaJson.toBytes(db));
  }

  public static void putTable(Transaction txn, long dbId, TableInfo table) {
    txn.put(
        MetaCodec.hashFieldKey(MetaCodec.dbKey(dbId), MetaCodec.tableField(table.id())),
        SchemaJson.toBytes(table));
  }

  public static void dropTable(Transaction txn, long dbId, long tableId) {
    txn.delete(MetaCodec.hashFieldKey(MetaCodec.dbKey(dbId), MetaCodec.tableField(tableId)));
  }

  /** Removes the database entry and every field of its hash. */
  public static void dropDatabase(Transaction txn, long dbId) {
    for (KvPair p : scanHash(txn, MetaCodec.dbKey(dbId))) {
      txn.delete(p.key());
    }
    txn.delete(MetaCodec.hashFieldKey(MetaCodec.DBS, MetaCodec.dbKey(dbId)));
  }

  /** The legacy {@code DDLJobHistory} entry TiDB keeps for a finished job. */
  public static void putHistoryJob(Transaction txn, DdlJob job) {
    txn.put(
        MetaCodec.hashFieldKey(MetaCodec.DDL_JOB_HISTORY, MetaCodec.jobIdField(job.id())),
        SchemaJson.toBytes(job));
  }

  /** The auto id base of a table (the {@code TID:<tableId>} field of its database hash). */
  public static long autoIdBase(Snapshot s, long dbId, long tableId) {
    return readLong(s, autoIdKey(dbId, tableId));
  }

  public static void setAutoIdBase(Transaction txn, long dbId, long tableId, long base) {
    txn.put(autoIdKey(dbId, tableId), Long.toString(base).getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] autoIdKey(long dbId, long tableId) {
    return MetaCodec.hashFieldKey(MetaCodec.dbKey(dbId), "TID:" + tableId);
  }

  static long incrementString(Transaction txn, String key, long step) {
    byte[] raw = MetaCodec.stringKey(key);
    long next = readLong(txn, raw) + step;
    txn.put(raw, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
    return next;
  }

  static void setString(Transaction txn, String key, long value) {
    txn.put(MetaCodec.stringKey(key), Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  private static long readLong(Snapshot s, byte[] rawKey) {
    return s.get(rawKey)
        .map(v -> Long.parseLong(new String(v, StandardCharsets.US_ASCII)))
        .orElse(0L);
  }

  private static List<KvPair> scanHash(Snapshot s, String key) {
    byte[] prefix = MetaCodec.hashPrefix(key);
    return s.scan(prefix, MetaCodec.prefixEnd(prefix), SCAN_ALL);
  }
}
