package io.kcdc.connector;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.RowEncoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.catalog.SystemTables;
import io.kcdc.upstream.kv.Transaction;
import io.kcdc.upstream.kv.TxnKv;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes TiDB meta and rows straight into the embedded upstream's transactional KV. */
public final class UpstreamFixture {
  static final long DB_ID = 2;

  private final TxnKv kv;

  public UpstreamFixture(TxnKv kv) {
    this.kv = kv;
  }

  /** {@code id BIGINT PRIMARY KEY (int handle), name VARCHAR(64)}. */
  public static TableInfo table(long id, String name) {
    ColumnInfo pk = ColumnInfo.of(1, "id", 0, FieldType.of(MysqlType.TYPE_LONGLONG)
        .withFlag(MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL).withLength(20, 0));
    ColumnInfo col = ColumnInfo.of(2, "name", 1, FieldType.of(MysqlType.TYPE_VARCHAR).withLength(64, 0));
    return TableInfo.builder(id, name).columns(List.of(pk, col)).pkIsHandle(true).build();
  }

  /** Creates database {@code test} with the given tables (as TiDB's meta keys). */
  public void createSchema(List<TableInfo> tables) {
    Transaction txn = kv.begin();
    txn.put(MetaCodec.hashFieldKey(MetaCodec.DBS, MetaCodec.dbKey(DB_ID)), SchemaJson.toBytes(DBInfo.of(DB_ID, "test")));
    // Every TiDB cluster has mysql.tidb_ddl_job, where the DDL puller reads jobs.
    Catalog.putDatabase(txn, SystemTables.mysqlDb());
    Catalog.putTable(txn, SystemTables.MYSQL_DB_ID, SystemTables.ddlJobTable());
    for (TableInfo t : tables) {
      txn.put(MetaCodec.hashFieldKey(MetaCodec.dbKey(DB_ID), MetaCodec.tableField(t.id())), SchemaJson.toBytes(t));
    }
    txn.commit();
  }

  public static byte[] value(TableInfo t, String name) {
    Map<Long, Object> values = new HashMap<>();
    values.put(2L, name);
    return RowEncoder.encodeV2(t, values);
  }

  /** Upserts rows {@code ids} with name {@code prefix + id} in one transaction; returns the commit ts. */
  public long upsert(TableInfo t, List<Long> ids, String prefix) {
    Transaction txn = kv.begin();
    for (long id : ids) {
      txn.put(TableCodec.recordKey(t.id(), id), value(t, prefix + id));
    }
    return txn.commit();
  }

  public long delete(TableInfo t, List<Long> ids) {
    Transaction txn = kv.begin();
    for (long id : ids) {
      txn.delete(TableCodec.recordKey(t.id(), id));
    }
    return txn.commit();
  }

  public static List<Long> range(long from, long toInclusive) {
    return java.util.stream.LongStream.rangeClosed(from, toInclusive).boxed().toList();
  }
}
