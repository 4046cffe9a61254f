package io.kcdc.gateway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A capture's registration key value ({@code __cdc_meta__/capture/<id>}). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CaptureInfo(
    @JsonProperty("id") String id,
    @JsonProperty("address") String address,
    @JsonProperty("version") String version,
    @JsonProperty("git-hash") String gitHash,
    @JsonProperty("deploy-path") String deployPath,
    @JsonProperty("start-timestamp") long startTimestamp) {}
