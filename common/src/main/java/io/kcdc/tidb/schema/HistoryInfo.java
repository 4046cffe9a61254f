package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A finished job's result ({@code meta/model.HistoryInfo}, the job's {@code binlog}); Go writes it
 * without JSON tags, hence the Go field names. {@code finishedTs} is the commit ts of the
 * transaction that wrote the job as done.
 */
public record HistoryInfo(
    @JsonProperty("SchemaVersion") long schemaVersion,
    @JsonProperty("DBInfo") DBInfo dbInfo,
    @JsonProperty("TableInfo") TableInfo tableInfo,
    @JsonProperty("FinishedTS") long finishedTs,
    @JsonProperty("MultipleTableInfos") List<TableInfo> multipleTableInfos) {

  public HistoryInfo withFinishedTs(long ts) {
    return new HistoryInfo(schemaVersion, dbInfo, tableInfo, ts, multipleTableInfos);
  }
}
