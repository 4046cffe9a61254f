package io.kcdc.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.config.ReplicaConfig.DispatchRule;
import io.kcdc.common.config.ReplicaConfig.KafkaConfig;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model on its own: its defaults, its JSON names under any mapper, and what its toString hides. */
class ReplicaConfigTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();

  @Test
  void defaultsAreTiCdcs() {
    ReplicaConfig d = ReplicaConfig.DEFAULT;
    assertThat(d.memoryQuota()).isEqualTo(1L << 30);
    assertThat(d.syncPointInterval()).isEqualTo(600_000_000_000L);
    assertThat(d.changefeedErrorStuckDuration()).isEqualTo(1_800_000_000_000L);
    assertThat(d.filterRules()).containsExactly("*.*");
    assertThat(d.sink().encoderConcurrency()).isEqualTo(32);
    assertThat(d.sink().csv().nullValue()).isEqualTo("\\N");
    assertThat(d.sink().open().outputOldValue()).isTrue();
    assertThat(d.sink().kafkaConfig()).isNull();
    assertThat(d.sink().dispatchRules()).isEmpty();
    assertThat(d.sink().columnSelectorRules()).isEmpty();
  }

  @Test
  void aPlainMapperReadsTheApiNames() throws Exception {
    SinkConfig sink = PLAIN.readValue("""
        {"protocol":"canal-json","send-all-bootstrap-at-start":true,
         "dispatchers":[{"matcher":["a.*"],"partition":"ts"}],
         "column_selectors":[{"matcher":["a.b"],"columns":["*"]}],
         "kafka_config":{"partition_num":3,"sasl_oauth_scopes":["x"],
           "codec_config":{"enable_tidb_extension":true,"encoding_format":"json"},
           "large_message_handle":{"large_message_handle_option":"claim-check","claim_check_storage_uri":"file:///c"},
           "glue_schema_registry_config":{"registry_name":"r","region":"eu"}}}""", SinkConfig.class);
    assertThat(sink.sendAllBootstrapAtStart()).isTrue();
    assertThat(sink.dispatchRules()).containsExactly(new DispatchRule(List.of("a.*"), "ts", "", List.of(), ""));
    assertThat(sink.columnSelectorRules().get(0).columns()).containsExactly("*");
    KafkaConfig kc = sink.kafkaConfig();
    assertThat(kc.partitionNum()).isEqualTo(3);
    assertThat(kc.saslOauthScopes()).containsExactly("x");
    assertThat(kc.codecConfig().enableTidbExtension()).isTrue();
    assertThat(kc.codecConfig().encodingFormat()).isEqualTo("json");
    assertThat(kc.largeMessageHandle().largeMessageHandleOption()).isEqualTo("claim-check");
    assertThat(kc.largeMessageHandle().claimCheckStorageUri()).isEqualTo("file:///c");
    assertThat(kc.glueSchemaRegistryConfig().region()).isEqualTo("eu");
  }

  @Test
  void aDispatchRuleReadsUnsetAsEmpty() {
    assertThat(new DispatchRule(null, null, null, null, null))
        .isEqualTo(new DispatchRule(List.of(), "", "", List.of(), ""));
  }

  @Test
  void toStringHidesTheSecrets() throws Exception {
    KafkaConfig kc = PLAIN.readValue("""
        {"sasl_user":"u","sasl_password":"TopSecret1","sasl_gssapi_password":"TopSecret2",
         "sasl_oauth_client_secret":"TopSecret3",
         "glue_schema_registry_config":{"access_key":"AK","secret_access_key":"TopSecret4","token":"TopSecret5"}}""",
        KafkaConfig.class);
    String shown = new ReplicaConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        new SinkConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            kc, null, null, null, null, null, null, null, null, null, null, null),
        null, null, null, null, null, null).toString();
    assertThat(shown).contains("saslUser=u", "saslPassword=xxxxx", "saslGssapiPassword=xxxxx",
        "saslOauthClientSecret=xxxxx", "accessKey=AK", "secretAccessKey=xxxxx", "token=xxxxx");
    assertThat(shown).doesNotContain("TopSecret");
    assertThat(KafkaConfig.empty().toString()).contains("saslPassword=null");
  }
}
