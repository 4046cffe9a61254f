package io.kcdc.upstream.catalog;

import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.TableInfo;
import java.util.List;

/**
 * The system schema TiCDC needs to find: database {@code mysql} and its {@code tidb_ddl_job}
 * table, with TiDB's reserved ids, so the DDL puller can look up {@code job_meta} by name.
 */
public final class SystemTables {
  /** {@code metadef.SystemDatabaseID}: the top of the reserved global id range. */
  public static final long MYSQL_DB_ID = 0x0000FFFFFFFFFFFFL;
  public static final String MYSQL_DB = "mysql";
  public static final String DDL_JOB_TABLE = "tidb_ddl_job";
  /** Column ids of {@code tidb_ddl_job} (TiDB's {@code JobTableSQL} order). */
  public static final long COL_JOB_ID = 1;
  public static final long COL_REORG = 2;
  public static final long COL_SCHEMA_IDS = 3;
  public static final long COL_TABLE_IDS = 4;
  public static final long COL_JOB_META = 5;
  public static final long COL_TYPE = 6;
  public static final long COL_PROCESSING = 7;

  private SystemTables() {}

  public static DBInfo mysqlDb() {
    return DBInfo.of(MYSQL_DB_ID, MYSQL_DB);
  }

  /**
   * {@code create table tidb_ddl_job(job_id bigint not null, reorg int, schema_ids text(65535),
   * table_ids text(65535), job_meta longblob, type int, processing int, primary key(job_id))}.
   */
  public static TableInfo ddlJobTable() {
    FieldType bigintPk = FieldType.of(MysqlType.TYPE_LONGLONG).withLength(20, 0)
        .withFlag(MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE);
    FieldType integer = FieldType.of(MysqlType.TYPE_LONG).withLength(11, 0);
    FieldType text = FieldType.of(MysqlType.TYPE_BLOB).withLength(65535, 0);
    FieldType longblob = FieldType.of(MysqlType.TYPE_LONG_BLOB).withLength(-1, 0)
        .withCharset(FieldType.BINARY_CHARSET, FieldType.BINARY_CHARSET)
        .withFlag(MysqlFlag.BINARY);
    List<ColumnInfo> cols = List.of(
        ColumnInfo.of(COL_JOB_ID, "job_id", 0, bigintPk),
        ColumnInfo.of(COL_REORG, "reorg", 1, integer),
        ColumnInfo.of(COL_SCHEMA_IDS, "schema_ids", 2, text),
        ColumnInfo.of(COL_TABLE_IDS, "table_ids", 3, text),
        ColumnInfo.of(COL_JOB_META, "job_meta", 4, longblob),
        ColumnInfo.of(COL_TYPE, "type", 5, integer),
        ColumnInfo.of(COL_PROCESSING, "processing", 6, integer));
    return TableInfo.builder(TableCodec.DDL_JOB_TABLE_ID, DDL_JOB_TABLE)
        .columns(cols)
        .pkIsHandle(true)
        .build();
  }
}
