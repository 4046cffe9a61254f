package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.ReplicaConfigs;
import org.junit.jupiter.api.Test;

class ReplicaConfigValidatorTest {
  private static ReplicaConfig config(String json) throws Exception {
    return ReplicaConfigs.mergeOnDefaults(Json.MAPPER.readTree(json));
  }

  @Test
  void defaultsAreValid() {
    assertThatNoException().isThrownBy(() -> ReplicaConfigValidator.validate(ReplicaConfig.DEFAULT));
  }

  @Test
  void rejectsUnknownIgnoreEvent() throws Exception {
    ReplicaConfig c = config("{\"filter\":{\"event_filters\":[{\"matcher\":[\"a.*\"],\"ignore_event\":[\"insert\",\"upsert\"]}]}}");
    assertThatThrownBy(() -> ReplicaConfigValidator.validate(c))
        .hasMessage("invalid ignore event type: 'upsert'");
  }

  @Test
  void rejectsShortSyncPointIntervalAndStuckDuration() throws Exception {
    assertThatThrownBy(() -> ReplicaConfigValidator.validate(
            config("{\"enable_sync_point\":true,\"sync_point_interval\":\"10s\"}")))
        .hasMessage("invalid replica config, The SyncPointInterval:10s must be larger than 30s");
    assertThatThrownBy(() -> ReplicaConfigValidator.validate(
            config("{\"changefeed_error_stuck_duration\":\"10m\"}")))
        .hasMessage("invalid replica config, The ChangefeedErrorStuckDuration:10m0s must be larger than 30m0s");
  }

  @Test
  void rejectsBadIntegrityLevel() throws Exception {
    assertThatThrownBy(() -> ReplicaConfigValidator.validate(
            config("{\"integrity\":{\"integrity_check_level\":\"strict\"}}")))
        .isInstanceOf(CdcException.class);
  }

  @Test
  void rowChecksumsAreRefusedRatherThanIgnored() throws Exception {
    ReplicaConfigValidator.validate(config("{\"integrity\":{\"integrity_check_level\":\"none\"}}"));
    assertThatThrownBy(() -> ReplicaConfigValidator.validate(
            config("{\"integrity\":{\"integrity_check_level\":\"correctness\"}}")))
        .isInstanceOfSatisfying(CdcException.class, e -> assertThat(e.code()).isEqualTo("CDC:ErrInvalidReplicaConfig"))
        .hasMessageContaining("not supported yet");
  }
}
