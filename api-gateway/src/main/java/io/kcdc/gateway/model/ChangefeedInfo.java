package io.kcdc.gateway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kcdc.common.config.ReplicaConfig;
import java.time.OffsetDateTime;

/**
 * A changefeed's info key ({@code changefeed/info/<id>}): TiCDC's {@code model.ChangeFeedInfo}, the
 * single source of truth for what a changefeed should do. Written by the API, patched by the owner.
 * In etcd every field is present (nulls included) and {@code config} is kebab-case.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChangefeedInfo(
    @JsonProperty("upstream-id") long upstreamId,
    @JsonProperty("namespace") String namespace,
    @JsonProperty("changefeed-id") String id,
    @JsonProperty("sink-uri") String sinkUri,
    @JsonProperty("create-time") OffsetDateTime createTime,
    @JsonProperty("start-ts") long startTs,
    @JsonProperty("target-ts") long targetTs,
    @JsonProperty("admin-job-type") int adminJobType,
    @JsonProperty("sort-engine") String sortEngine,
    @JsonProperty("sort-dir") String sortDir,
    @JsonProperty("config") ReplicaConfig config,
    @JsonProperty("state") ChangefeedState state,
    @JsonProperty("error") RunningError error,
    @JsonProperty("warning") RunningError warning,
    @JsonProperty("creator-version") String creatorVersion,
    @JsonProperty("epoch") long epoch) {

  public ChangefeedInfo {
    state = state == null ? ChangefeedState.UNINITIALIZED : state;
    sortEngine = sortEngine == null ? "unified" : sortEngine;
    sortDir = sortDir == null ? "" : sortDir;
  }

  /** This info in another state, with the admin job type of that state and the given error/warning. */
  public ChangefeedInfo withState(ChangefeedState newState, RunningError newError, RunningError newWarning) {
    return new ChangefeedInfo(
        upstreamId, namespace, id, sinkUri, createTime, startTs, targetTs, newState.adminJobType(),
        sortEngine, sortDir, config, newState, newError, newWarning, creatorVersion, epoch);
  }

  public ChangefeedInfo withStartTs(long newStartTs) {
    return new ChangefeedInfo(
        upstreamId, namespace, id, sinkUri, createTime, newStartTs, targetTs, adminJobType,
        sortEngine, sortDir, config, state, error, warning, creatorVersion, epoch);
  }

  public ChangefeedInfo withEpoch(long newEpoch) {
    return new ChangefeedInfo(
        upstreamId, namespace, id, sinkUri, createTime, startTs, targetTs, adminJobType,
        sortEngine, sortDir, config, state, error, warning, creatorVersion, newEpoch);
  }
}
