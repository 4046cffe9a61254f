package io.kcdc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkUri;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code client.id}s of a changefeed's sink clients. */
class SinkClientIdTest {
  private static ChangefeedStreams.Config config(String uri) {
    return ChangefeedStreams.Config.of("app:9092", "default", "cf-1", Path.of("state"), SinkUri.parse(uri),
        SinkConfig.empty());
  }

  @Test
  void tiCdcsDefaultNamesTheCaptureNamespaceAndChangefeed() {
    ChangefeedStreams.Config c = config("kafka://k:9092/t?protocol=canal-json");
    KafkaSinkOptions o = c.kafkaSink().orElseThrow();
    assertThat(c.sinkClientId(o)).isEqualTo("TiCDC_producer__default_cf-1");
    ChangefeedStreams.Config named = c.withClientIdentity("ns1", "10.0.0.1:8300").withReplicationFactor((short) 1);
    assertThat(named.sinkClientId(o)).isEqualTo("TiCDC_producer_10.0.0.1_8300_ns1_cf-1");
    // one producer per stream task: distinct ids, so their metrics do not collide
    assertThat(ChangefeedStreams.dmlClientId(o, named.sinkClientId(o), "0_1"))
        .isEqualTo("TiCDC_producer_10.0.0.1_8300_ns1_cf-1_0_1");
  }

  @Test
  void kafkaClientIdIsUsedAsGiven() {
    ChangefeedStreams.Config c = config("kafka://k:9092/t?protocol=canal-json&kafka-client-id=cdc-quota");
    KafkaSinkOptions o = c.kafkaSink().orElseThrow();
    assertThat(c.withClientIdentity("ns1", "h:1").sinkClientId(o)).isEqualTo("cdc-quota");
    assertThat(ChangefeedStreams.dmlClientId(o, "cdc-quota", "0_1")).isEqualTo("cdc-quota");
  }
}
