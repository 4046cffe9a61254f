package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A MultiSchemaChange job's {@code multi_schema_info} ({@code meta/model.MultiSchemaInfo}): one
 * sub-job per change of an {@code ALTER TABLE} with several clauses.
 */
public record MultiSchemaInfo(
    @JsonProperty("sub_jobs") List<SubJob> subJobs,
    @JsonProperty("revertible") boolean revertible,
    @JsonProperty("seq") int seq) {

  /** One change of a multi-schema change ({@code meta/model.SubJob}). */
  public record SubJob(
      @JsonProperty("type") int type,
      @JsonProperty("raw_args") JsonNode rawArgs,
      @JsonProperty("schema_state") int schemaState,
      @JsonProperty("snapshot_ver") long snapshotVer,
      @JsonProperty("real_start_ts") long realStartTs,
      @JsonProperty("revertible") boolean revertible,
      @JsonProperty("state") int state,
      @JsonProperty("row_count") long rowCount,
      @JsonProperty("warning") Object warning,
      @JsonProperty("schema_version") long schemaVersion,
      @JsonProperty("reorg_tp") int reorgTp,
      @JsonProperty("use_cloud") boolean useCloud) {}
}
