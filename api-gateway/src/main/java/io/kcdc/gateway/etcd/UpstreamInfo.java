package io.kcdc.gateway.etcd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The upstream key value ({@code <ns>/upstream/<id>}): how to reach the upstream PD. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UpstreamInfo(
    @JsonProperty("id") long id,
    @JsonProperty("pd-endpoints") String pdEndpoints,
    @JsonProperty("key-path") String keyPath,
    @JsonProperty("cert-path") String certPath,
    @JsonProperty("ca-path") String caPath,
    @JsonProperty("cert-allowed-cn") List<String> certAllowedCn) {}
