package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A DDL job ({@code meta/model.Job}) as stored in {@code mysql.tidb_ddl_job.job_meta} and the
 * legacy history hash. TiCDC keeps only jobs in state {@link JobState#DONE} and reads the schema
 * change from {@link #binlog}. Action and state codes are in {@link ActionType} and
 * {@link JobState}.
 */
public record DdlJob(
    @JsonProperty("id") long id,
    @JsonProperty("type") int type,
    @JsonProperty("schema_id") long schemaId,
    @JsonProperty("table_id") long tableId,
    @JsonProperty("schema_name") String schemaName,
    @JsonProperty("table_name") String tableName,
    @JsonProperty("state") int state,
    @JsonProperty("warning") Object warning,
    @JsonProperty("err") Object err,
    @JsonProperty("err_count") long errCount,
    @JsonProperty("row_count") long rowCount,
    @JsonProperty("raw_args") JsonNode rawArgs,
    @JsonProperty("schema_state") int schemaState,
    @JsonProperty("snapshot_ver") long snapshotVer,
    @JsonProperty("real_start_ts") long realStartTs,
    @JsonProperty("start_ts") long startTs,
    @JsonProperty("dependency_id") long dependencyId,
    @JsonProperty("query") String query,
    @JsonProperty("binlog") HistoryInfo binlog,
    @JsonProperty("version") int version,
    @JsonProperty("reorg_meta") Object reorgMeta,
    @JsonProperty("multi_schema_info") Object multiSchemaInfo,
    @JsonProperty("priority") int priority,
    @JsonProperty("seq_num") long seqNum,
    @JsonProperty("charset") String charset,
    @JsonProperty("collate") String collate,
    @JsonProperty("involving_schema_info") List<Object> involvingSchemaInfo,
    @JsonProperty("admin_operator") int adminOperator,
    @JsonProperty("trace_info") Object traceInfo,
    @JsonProperty("bdr_role") String bdrRole,
    @JsonProperty("cdc_write_source") long cdcWriteSource,
    @JsonProperty("local_mode") boolean localMode,
    @JsonProperty("sql_mode") long sqlMode) {

  /** Job version TiDB writes for new jobs. */
  public static final int JOB_VERSION_1 = 1;

  public DdlJob {
    query = query == null ? "" : query;
    schemaName = schemaName == null ? "" : schemaName;
    tableName = tableName == null ? "" : tableName;
    charset = charset == null ? "" : charset;
    collate = collate == null ? "" : collate;
    bdrRole = bdrRole == null ? "" : bdrRole;
  }

  /** A finished job as TiDB records it once the schema change is public. */
  public static DdlJob done(long id, int type, long schemaId, long tableId, String schemaName,
      String tableName, String query, HistoryInfo binlog) {
    return new DdlJob(id, type, schemaId, tableId, schemaName, tableName, JobState.DONE, null, null,
        0, 0, null, SchemaState.PUBLIC, 0, 0, 0, 0, query, binlog, JOB_VERSION_1, null, null, 0, 0,
        "", "", null, 0, null, "", 0, false, 0);
  }

  public DdlJob withStartTs(long ts) {
    return new DdlJob(id, type, schemaId, tableId, schemaName, tableName, state, warning, err,
        errCount, rowCount, rawArgs, schemaState, snapshotVer, ts, ts, dependencyId, query, binlog,
        version, reorgMeta, multiSchemaInfo, priority, seqNum, charset, collate, involvingSchemaInfo,
        adminOperator, traceInfo, bdrRole, cdcWriteSource, localMode, sqlMode);
  }

  public DdlJob withBinlog(HistoryInfo newBinlog) {
    return new DdlJob(id, type, schemaId, tableId, schemaName, tableName, state, warning, err,
        errCount, rowCount, rawArgs, schemaState, snapshotVer, realStartTs, startTs, dependencyId,
        query, newBinlog, version, reorgMeta, multiSchemaInfo, priority, seqNum, charset, collate,
        involvingSchemaInfo, adminOperator, traceInfo, bdrRole, cdcWriteSource, localMode, sqlMode);
  }

  public DdlJob withMultiSchemaInfo(Object info) {
    return new DdlJob(id, type, schemaId, tableId, schemaName, tableName, state, warning, err,
        errCount, rowCount, rawArgs, schemaState, snapshotVer, realStartTs, startTs, dependencyId,
        query, binlog, version, reorgMeta, info, priority, seqNum, charset, collate,
        involvingSchemaInfo, adminOperator, traceInfo, bdrRole, cdcWriteSource, localMode, sqlMode);
  }

  /** The job with TiDB's {@code raw_args} (the arguments it keeps after finishing, e.g. RenameTables'). */
  public DdlJob withRawArgs(JsonNode args) {
    return new DdlJob(id, type, schemaId, tableId, schemaName, tableName, state, warning, err,
        errCount, rowCount, args, schemaState, snapshotVer, realStartTs, startTs, dependencyId,
        query, binlog, version, reorgMeta, multiSchemaInfo, priority, seqNum, charset, collate,
        involvingSchemaInfo, adminOperator, traceInfo, bdrRole, cdcWriteSource, localMode, sqlMode);
  }

  public DdlJob withState(int newState) {
    return new DdlJob(id, type, schemaId, tableId, schemaName, tableName, newState, warning, err,
        errCount, rowCount, rawArgs, schemaState, snapshotVer, realStartTs, startTs, dependencyId,
        query, binlog, version, reorgMeta, multiSchemaInfo, priority, seqNum, charset, collate,
        involvingSchemaInfo, adminOperator, traceInfo, bdrRole, cdcWriteSource, localMode, sqlMode);
  }
}
