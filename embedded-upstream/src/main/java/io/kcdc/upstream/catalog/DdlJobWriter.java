package io.kcdc.upstream.catalog;

import io.kcdc.tidb.RowEncoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a finished DDL job the way TiDB's job worker leaves it for TiCDC: a row of
 * {@code mysql.tidb_ddl_job} keyed by the job id whose {@code job_meta} is the Job JSON in state
 * Done, in the same transaction as the schema change.
 */
public final class DdlJobWriter {
  private static final TableInfo DDL_JOB_TABLE = SystemTables.ddlJobTable();

  private DdlJobWriter() {}

  /** The record key of a job row. */
  public static byte[] jobKey(long jobId) {
    return TableCodec.recordKey(TableCodec.DDL_JOB_TABLE_ID, jobId);
  }

  /** The row value TiDB writes for a job (row format v2). */
  public static byte[] jobRow(DdlJob job) {
    Map<Long, Object> values = new HashMap<>();
    values.put(SystemTables.COL_JOB_ID, job.id());
    values.put(SystemTables.COL_REORG, 0L);
    values.put(SystemTables.COL_SCHEMA_IDS, utf8(Long.toString(job.schemaId())));
    values.put(SystemTables.COL_TABLE_IDS, utf8(Long.toString(job.tableId())));
    values.put(SystemTables.COL_JOB_META, SchemaJson.toBytes(job));
    values.put(SystemTables.COL_TYPE, (long) job.type());
    values.put(SystemTables.COL_PROCESSING, 1L);
    return RowEncoder.encodeV2(DDL_JOB_TABLE, values);
  }

  public static TableInfo table() {
    return DDL_JOB_TABLE;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
