package io.kcdc.gateway.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The owner's changefeed status key ({@code changefeed/status/<id>}), kebab-case in etcd. */
public record ChangefeedStatus(
    @JsonProperty("checkpoint-ts") long checkpointTs,
    @JsonProperty("min-table-barrier-ts") long minTableBarrierTs,
    @JsonProperty("admin-job-type") int adminJobType) {}
