package io.kcdc.connector.schema;

import io.kcdc.connector.tikv.KvClient;
import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads TiDB's meta snapshot at a timestamp with snapshot reads (like TiCDC does at its DDL start
 * ts): scan the hash {@code DBs} for the databases, then each {@code DB:<id>} hash for its
 * {@code Table:<id>} fields.
 */
public final class SchemaLoader {
  private final KvClient kv;

  public SchemaLoader(KvClient kv) {
    this.kv = kv;
  }

  public SchemaSnapshot load(long ts) {
    List<DBInfo> dbs = new ArrayList<>();
    Map<Long, List<TableInfo>> tables = new HashMap<>();
    for (KvClient.Pair p : scanHash(MetaCodec.DBS, ts)) {
      dbs.add(SchemaJson.read(p.value(), DBInfo.class));
    }
    for (DBInfo db : dbs) {
      List<TableInfo> list = new ArrayList<>();
      for (KvClient.Pair p : scanHash(MetaCodec.dbKey(db.id()), ts)) {
        if (MetaCodec.isTableField(MetaCodec.hashField(p.key()))) {
          list.add(SchemaJson.read(p.value(), TableInfo.class));
        }
      }
      tables.put(db.id(), list);
    }
    return new SchemaSnapshot(ts, dbs, tables);
  }

  private List<KvClient.Pair> scanHash(String key, long ts) {
    byte[] prefix = MetaCodec.hashPrefix(key);
    return kv.scan(prefix, MetaCodec.prefixEnd(prefix), ts);
  }
}
