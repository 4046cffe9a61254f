package io.kcdc.upstream.catalog;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TiDB's infoschema, the catalog held in memory per schema version ({@code pkg/infoschema}): a statement finds its
 * table by name without reading the meta keys. Reading them meant parsing the TableInfo JSON of every table of the
 * database for each statement, and CREATE TABLE did the same to check the name: with 2,000 tables that was 90 % of
 * the upstream's CPU (docs/many-tables.md).
 *
 * <p>The tables of a database are kept per schema version, which every DDL bumps in the transaction that changes
 * the meta keys, so a snapshot's version names what it sees. A transaction that wrote meta keys itself (a DDL in
 * progress) may see something no committed version holds: it reads the meta keys. Building a new version
 * parses only the tables whose JSON changed. One instance per cluster.
 */
public final class InfoSchemaCache {
  /** Every meta key starts with it ({@code pkg/structure}'s prefix, as MetaCodec writes it). */
  private static final byte[] META = {'m'};
  /** Versions kept: a long transaction may still resolve tables at the version it started with. */
  private static final int VERSIONS = 8;

  private record Parsed(byte[] json, TableInfo table) {}

  /** Tables by lower-case name, per (schema version, database id). */
  private final Map<VersionedDb, Map<String, TableInfo>> byVersion = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<VersionedDb, Map<String, TableInfo>> eldest) {
      return size() > VERSIONS;
    }
  };
  /** The last TableInfo parsed for each meta key, with the JSON it came from. */
  private final Map<ByteBuffer, Parsed> parsed = new HashMap<>();

  private record VersionedDb(long version, long dbId) {}

  /** The table {@code name} (any case) of database {@code dbId} as {@code s} sees it. */
  public Optional<TableInfo> table(Snapshot s, long dbId, String name) {
    if (s instanceof Transaction t && t.mayHaveWritten(META)) {
      return Catalog.table(s, dbId, name);
    }
    return Optional.ofNullable(tables(s, dbId).get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  /**
   * A CREATE TABLE committed at {@code version + 1} over {@code version}: the next version is the cached one plus
   * the new table (TiDB's infoschema applies a schema diff the same way), so creating tables one after the other
   * does not read them all again each time.
   */
  public synchronized void created(long version, long dbId, TableInfo table) {
    TableInfo stored = SchemaJson.read(SchemaJson.toBytes(table), TableInfo.class); // as a reader would see it
    for (Map.Entry<VersionedDb, Map<String, TableInfo>> e : List.copyOf(byVersion.entrySet())) {
      if (e.getKey().version() == version) {
        Map<String, TableInfo> next = e.getValue();
        if (e.getKey().dbId() == dbId) {
          next = new HashMap<>(next);
          next.put(stored.name().l(), stored);
        }
        byVersion.putIfAbsent(new VersionedDb(version + 1, e.getKey().dbId()), next);
      }
    }
  }

  private synchronized Map<String, TableInfo> tables(Snapshot s, long dbId) {
    byte[] dbHash = MetaCodec.hashPrefix(MetaCodec.dbKey(dbId));
    VersionedDb key = new VersionedDb(Catalog.schemaVersion(s), dbId);
    Map<String, TableInfo> tables = byVersion.get(key);
    if (tables == null) {
      tables = new HashMap<>();
      for (KvPair p : s.scan(dbHash, MetaCodec.prefixEnd(dbHash), Catalog.SCAN_ALL)) {
        if (MetaCodec.isTableField(MetaCodec.hashField(p.key()))) {
          TableInfo t = parse(p);
          tables.put(t.name().l(), t);
        }
      }
      byVersion.put(key, tables);
    }
    return tables;
  }

  private TableInfo parse(KvPair p) {
    ByteBuffer key = ByteBuffer.wrap(p.key());
    Parsed last = parsed.get(key);
    if (last == null || !Arrays.equals(last.json(), p.value())) {
      last = new Parsed(p.value(), SchemaJson.read(p.value(), TableInfo.class));
      parsed.put(key, last);
    }
    return last.table();
  }
}
