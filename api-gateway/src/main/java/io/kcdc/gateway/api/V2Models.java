package io.kcdc.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.model.RunningError;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The request and response bodies of TiCDC's OpenAPI v2 ({@code cdc/api/v2/model.go}):
 * snake_case, Go's field order, and its omitempty rules as {@link JsonInclude} annotations.
 */
public final class V2Models {
  private V2Models() {}

  /** Body of create (and update) changefeed. */
  public record ChangefeedConfig(
      String namespace,
      String changefeedId,
      Long startTs,
      Long targetTs,
      String sinkUri,
      JsonNode replicaConfig,
      List<String> pdAddrs,
      String caPath,
      String certPath,
      String keyPath,
      List<String> certAllowedCn) {}

  /** Body of resume changefeed. */
  public record ResumeChangefeedConfig(
      Long overwriteCheckpointTs, List<String> pdAddrs, String caPath, String certPath,
      String keyPath, List<String> certAllowedCn) {}

  /** Body of {@code POST /tso}. */
  public record UpstreamConfig(
      Long id, List<String> pdAddrs, String caPath, String certPath, String keyPath,
      List<String> certAllowedCn) {}

  /** Body of {@code POST /unsafe/resolve_lock}. */
  public record ResolveLockReq(
      Long regionId, Long ts, List<String> pdAddrs, String caPath, String certPath, String keyPath,
      List<String> certAllowedCn) {}

  /** Body of {@code POST /log}; an absent level keeps TiCDC's pre-filled {@code "info"}. */
  public record LogLevelReq(String logLevel) {}

  /** Body of {@code POST /verify_table}. */
  public record VerifyTableConfig(
      List<String> pdAddrs, String caPath, String certPath, String keyPath, List<String> certAllowedCn,
      JsonNode replicaConfig, Long startTs, String sinkUri) {}

  /** A table of {@code verify_table}'s answer. */
  @JsonInclude(Include.ALWAYS)
  public record TableName(
      @JsonProperty("database_name") String schema,
      @JsonProperty("table_name") String table,
      @JsonProperty("table_id") long tableId,
      @JsonProperty("is_partition") boolean isPartition) {}

  /** {@code POST /verify_table}; empty lists are left out. */
  public record Tables(
      @JsonInclude(Include.NON_EMPTY) List<TableName> ineligibleTables,
      @JsonInclude(Include.NON_EMPTY) List<TableName> eligibleTables) {}

  /** An item of {@code GET /unsafe/metadata}. */
  public record EtcdData(
      @JsonInclude(Include.NON_EMPTY) String key, @JsonInclude(Include.NON_EMPTY) String value) {}

  /** {@code GET /changefeeds/{id}/synced}; the times are JSONTime strings. */
  @JsonInclude(Include.ALWAYS)
  public record SyncedStatus(
      boolean synced, String sinkCheckpointTs, String pullerResolvedTs, String lastSyncedTs, String nowTs,
      String info) {}

  /** A changefeed in detail (GET/POST changefeed). */
  public record ChangeFeedInfo(
      @JsonInclude(Include.NON_DEFAULT) long upstreamId,
      @JsonInclude(Include.NON_EMPTY) String namespace,
      @JsonInclude(Include.NON_EMPTY) String id,
      @JsonInclude(Include.NON_EMPTY) String sinkUri,
      @JsonInclude(Include.ALWAYS) OffsetDateTime createTime,
      @JsonInclude(Include.NON_DEFAULT) long startTs,
      @JsonInclude(Include.NON_DEFAULT) long targetTs,
      @JsonInclude(Include.NON_DEFAULT) int adminJobType,
      JsonNode config,
      @JsonInclude(Include.NON_EMPTY) String state,
      RunningError error,
      @JsonInclude(Include.NON_EMPTY) String creatorVersion,
      @JsonInclude(Include.ALWAYS) long resolvedTs,
      @JsonInclude(Include.ALWAYS) long checkpointTs,
      @JsonInclude(Include.ALWAYS) String checkpointTime,
      @JsonInclude(Include.NON_EMPTY) List<CaptureTaskStatus> taskStatus) {}

  /** Tables a capture replicates for a changefeed. */
  @JsonInclude(Include.ALWAYS)
  public record CaptureTaskStatus(String captureId, List<Long> tableIds) {}

  /** A list item of {@code GET /changefeeds}. */
  @JsonInclude(Include.ALWAYS)
  public record ChangefeedCommonInfo(
      long upstreamId,
      String namespace,
      String id,
      String state,
      long checkpointTso,
      String checkpointTime,
      RunningError error) {}

  /** {@code {"total": n, "items": [...]}}. */
  @JsonInclude(Include.ALWAYS)
  public record ListResponse<T>(int total, List<T> items) {
    public static <T> ListResponse<T> of(List<T> items) {
      return new ListResponse<>(items.size(), List.copyOf(items));
    }
  }

  /** {@code GET /changefeeds/{id}/status}. */
  public record ChangefeedStatus(
      @JsonInclude(Include.NON_EMPTY) String state,
      @JsonInclude(Include.ALWAYS) long resolvedTs,
      @JsonInclude(Include.ALWAYS) long checkpointTs,
      RunningError lastError,
      RunningError lastWarning) {}

  /** An item of {@code GET /captures}. */
  @JsonInclude(Include.ALWAYS)
  public record Capture(String id, boolean isOwner, String address, String clusterId) {}

  /** An item of {@code GET /processors}. */
  @JsonInclude(Include.ALWAYS)
  public record ProcessorCommonInfo(String namespace, String changefeedId, String captureId) {}

  /** {@code GET /processors/{cf}/{capture}}. */
  @JsonInclude(Include.ALWAYS)
  public record ProcessorDetail(List<Long> tableIds) {}

  /** {@code GET /status}. */
  @JsonInclude(Include.ALWAYS)
  public record ServerStatus(
      String version, String gitHash, String id, String clusterId, long pid, boolean isOwner,
      int liveness) {}

  /** {@code POST /tso}. */
  @JsonInclude(Include.ALWAYS)
  public record Tso(long timestamp, long logicTime) {}

  /** Error body. */
  @JsonInclude(Include.ALWAYS)
  public record HttpError(String errorMsg, String errorCode) {
    public static HttpError of(CdcException e) {
      return new HttpError(e.errorMsg(), e.code());
    }
  }

  /** {@code {}}. */
  public record EmptyResponse() {}

  /** {@code POST /captures/{id}/drain}: tables still on the drained capture. */
  @JsonInclude(Include.ALWAYS)
  public record DrainCaptureResp(int currentTableCount) {}
}
