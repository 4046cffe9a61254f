package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.ReplicaConfigs;
import org.junit.jupiter.api.Test;

class SinkUrisTest {
  private static ReplicaConfig config(String json) throws Exception {
    return ReplicaConfigs.mergeOnDefaults(Json.MAPPER.readTree(json));
  }

  @Test
  void validatesSchemesAndProtocols() throws Exception {
    ReplicaConfig d = ReplicaConfig.DEFAULT;
    assertThatNoException().isThrownBy(() -> SinkUris.validate("blackhole://", d));
    assertThatNoException().isThrownBy(() -> SinkUris.validate("kafka://h:9092/t?protocol=canal-json", d));
    assertThatNoException().isThrownBy(() -> SinkUris.validate("kafka://h:9092/t", config("{\"sink\":{\"protocol\":\"avro\"}}")));
    assertThatThrownBy(() -> SinkUris.validate("ftp://x", d))
        .isInstanceOf(CdcException.class)
        .hasMessage("the sink scheme (ftp) is not supported");
    assertThatThrownBy(() -> SinkUris.validate("mysql://h:3306/?protocol=canal-json", d))
        .hasMessage("protocol canal-json is incompatible with mysql scheme");
    assertThatThrownBy(() -> SinkUris.validate("kafka://h:9092/t", d))
        .satisfies(e -> assertThat(((CdcException) e).code()).isEqualTo("CDC:ErrSinkUnknownProtocol"));
    assertThatThrownBy(() -> SinkUris.validate("kafka://h:9092/t?protocol=canal-json",
        config("{\"enable_sync_point\":true}")))
        .satisfies(e -> assertThat(((CdcException) e).httpStatus()).isEqualTo(400));
  }

  /** TiCDC's SinkConfig.applyParameterBySinkURI (pkg/config/sink.go): the URI's protocol wins, else the config's. */
  @Test
  void theUrisProtocolWinsAndTheConfigsFillsIn() throws Exception {
    ReplicaConfig avro = config("{\"sink\":{\"protocol\":\"avro\"}}");
    assertThat(SinkUris.protocol("kafka://h:9092/t?protocol=canal-json", avro)).contains("canal-json");
    assertThat(SinkUris.protocol("kafka://h:9092/t", avro)).contains("avro");
    assertThat(SinkUris.protocol("kafka://h:9092/t", ReplicaConfig.DEFAULT)).isEmpty();
    assertThat(SinkUris.withProtocol("kafka://h:9092/t?protocol=canal-json", avro))
        .isEqualTo("kafka://h:9092/t?protocol=canal-json");
    assertThat(SinkUris.withProtocol("kafka://h:9092/t", avro)).isEqualTo("kafka://h:9092/t?protocol=avro");
    assertThat(SinkUris.withProtocol("kafka://h:9092/t?partition-num=2", avro))
        .isEqualTo("kafka://h:9092/t?partition-num=2&protocol=avro");
    assertThat(SinkUris.withProtocol("kafka://h:9092/t", ReplicaConfig.DEFAULT)).isEqualTo("kafka://h:9092/t");
    // an avro config with a canal-json URI is validated as what is written: canal-json on a Kafka sink
    assertThatNoException().isThrownBy(() -> SinkUris.validate("kafka://h:9092/t?protocol=canal-json",
        config("{\"sink\":{\"protocol\":\"csv\"}}")));
  }
}
