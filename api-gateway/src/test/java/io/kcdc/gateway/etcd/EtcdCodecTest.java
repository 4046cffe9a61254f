package io.kcdc.gateway.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.gateway.model.CaptureInfo;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.ChangefeedState;
import io.kcdc.gateway.model.ChangefeedStatus;
import io.kcdc.gateway.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class EtcdCodecTest {
  private final EtcdKeys keys = new EtcdKeys("default");

  @Test
  void keyLayout() {
    ChangefeedId id = new ChangefeedId("default", "cf-1");
    assertThat(keys.ownerElection()).isEqualTo("/tidb/cdc/default/__cdc_meta__/owner");
    assertThat(keys.capture("c1")).isEqualTo("/tidb/cdc/default/__cdc_meta__/capture/c1");
    assertThat(keys.metaVersion()).isEqualTo("/tidb/cdc/default/__cdc_meta__/meta/meta-version");
    assertThat(keys.changefeedInfo(id)).isEqualTo("/tidb/cdc/default/default/changefeed/info/cf-1");
    assertThat(keys.changefeedStatus(id)).isEqualTo("/tidb/cdc/default/default/changefeed/status/cf-1");
    assertThat(keys.upstream("default", 7)).isEqualTo("/tidb/cdc/default/default/upstream/7");
    assertThat(keys.taskPosition("default", "c1", "cf-1")).isEqualTo("/tidb/cdc/default/default/task/position/c1/cf-1");
    assertThat(keys.parseInfo(keys.changefeedInfo(id))).contains(id);
    assertThat(keys.parseStatus(keys.changefeedStatus(id))).contains(id);
    assertThat(keys.parseInfo(keys.changefeedStatus(id))).isEmpty();
    assertThat(keys.parseInfo(keys.capture("c1"))).isEmpty();
  }

  @Test
  void infoIsKebabCaseWithEveryField() throws Exception {
    ChangefeedInfo info = new ChangefeedInfo(7, "default", "cf-1", "blackhole://",
        OffsetDateTime.parse("2024-02-28T11:58:46.930912+08:00"), 100, 0, 0, "unified", "",
        ReplicaConfig.DEFAULT, ChangefeedState.NORMAL, null, null, "v8.5.0", 5);
    JsonNode json = Json.MAPPER.readTree(EtcdCodec.encodeInfo(info));
    assertThat(json.get("upstream-id").asLong()).isEqualTo(7);
    assertThat(json.get("changefeed-id").asText()).isEqualTo("cf-1");
    assertThat(json.get("sink-uri").asText()).isEqualTo("blackhole://");
    assertThat(json.get("create-time").asText()).isEqualTo("2024-02-28T11:58:46.930912+08:00");
    assertThat(json.get("start-ts").asLong()).isEqualTo(100);
    assertThat(json.get("target-ts").asLong()).isZero();
    assertThat(json.get("admin-job-type").asInt()).isZero();
    assertThat(json.get("sort-engine").asText()).isEqualTo("unified");
    assertThat(json.get("state").asText()).isEqualTo("normal");
    assertThat(json.get("error").isNull()).isTrue();
    assertThat(json.get("warning").isNull()).isTrue();
    assertThat(json.get("creator-version").asText()).isEqualTo("v8.5.0");
    assertThat(json.get("config").get("memory-quota").asLong()).isEqualTo(1L << 30);
    assertThat(json.get("config").get("sink").get("advance-timeout-in-sec").asLong()).isEqualTo(150);
    assertThat(EtcdCodec.decodeInfo(EtcdCodec.encodeInfo(info))).isEqualTo(info);
  }

  @Test
  void statusAndCaptureValues() {
    assertThat(new String(EtcdCodec.encode(new ChangefeedStatus(5, 5, 0)), StandardCharsets.UTF_8))
        .isEqualTo("{\"checkpoint-ts\":5,\"min-table-barrier-ts\":5,\"admin-job-type\":0}");
    assertThat(new String(EtcdCodec.encode(new CaptureInfo("id1", "127.0.0.1:8300", "v1", "abc", "/d", 17)),
        StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":\"id1\",\"address\":\"127.0.0.1:8300\",\"version\":\"v1\",\"git-hash\":\"abc\","
            + "\"deploy-path\":\"/d\",\"start-timestamp\":17}");
  }
}
