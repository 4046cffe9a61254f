package io.kcdc.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcdc.common.config.ReplicaConfig;
import org.junit.jupiter.api.Test;

class ReplicaConfigTest {
  /**
   * docs/api-v2.md#default-configuration: the published defaults as GET returns them for a
   * blackhole sink.
   */
  static final String DEFAULTS = """
      {"memory_quota":1073741824,"case_sensitive":false,"force_replicate":false,"ignore_ineligible_table":false,
       "check_gc_safe_point":true,"enable_sync_point":false,"enable_table_monitor":false,"bdr_mode":false,
       "sync_point_interval":600000000000,"sync_point_retention":86400000000000,
       "filter":{"rules":["*.*"]},"mounter":{"worker_num":16},
       "sink":{"csv":{"delimiter":",","quote":"\\"","null":"\\\\N","include_commit_ts":false,"binary_encoding_method":"base64",
                     "output_old_value":false,"output_handle_key":false,"output_field_header":false},
               "encoder_concurrency":32,"terminator":"\\r\\n","date_separator":"day","enable_partition_separator":true,
               "enable_kafka_sink_v2":false,"only_output_updated_columns":false,
               "delete_only_output_handle_key_columns":false,"content_compatible":false,"advance_timeout":150,
               "send_bootstrap_interval_in_sec":120,"send_bootstrap_in_msg_count":10000,"send_bootstrap_to_all_partition":true,
               "send-all-bootstrap-at-start":false,"debezium_disable_schema":false,
               "debezium":{"output_old_value":true},"open":{"output_old_value":true}},
       "consistent":{"level":"none","max_log_size":64,"flush_interval":2000,"meta_flush_interval":200,
                     "encoding_worker_num":16,"flush_worker_num":8,"use_file_backend":false,
                     "memory_usage":{"memory_quota_percentage":50}},
       "scheduler":{"enable_table_across_nodes":false,"region_threshold":100000,"write_key_threshold":0},
       "integrity":{"integrity_check_level":"none","corruption_handle_level":"warn"},
       "changefeed_error_stuck_duration":1800000000000,
       "synced_status":{"synced_check_interval":300,"checkpoint_interval":15}}
      """;

  static JsonNode tree(String json) throws Exception {
    return Json.MAPPER.readTree(json);
  }

  @Test
  void defaultsSerializeExactlyAsTiCdcPublishesThem() throws Exception {
    assertThat(tree(Json.compactString(ReplicaConfigs.defaultsTree()))).isEqualTo(tree(DEFAULTS));
  }

  @Test
  void defaultsKeepGoFieldOrder() throws Exception {
    String compact = Json.compactString(ReplicaConfig.DEFAULT);
    assertThat(compact).startsWith("{\"memory_quota\":1073741824,\"case_sensitive\":false,");
    assertThat(compact).isEqualTo(Json.compactString(tree(DEFAULTS)));
  }

  @Test
  void createMergesNestedObjectsAndReplacesArrays() throws Exception {
    ReplicaConfig c = ReplicaConfigs.mergeOnDefaults(tree("""
        {"filter":{"rules":["test.*","!test.tmp_*"]},"sink":{"protocol":"canal-json","csv":{"delimiter":"|"}},
         "sync_point_interval":"10m","memory_quota":0}"""));
    assertThat(c.filter().rules()).containsExactly("test.*", "!test.tmp_*");
    assertThat(c.sink().protocol()).isEqualTo("canal-json");
    assertThat(c.sink().csv().delimiter()).isEqualTo("|");
    assertThat(c.sink().csv().quote()).isEqualTo("\"");
    assertThat(c.sink().encoderConcurrency()).isEqualTo(32);
    assertThat(c.syncPointInterval()).isEqualTo(600_000_000_000L);
    assertThat(c.memoryQuota()).isEqualTo(ReplicaConfig.DEFAULT_MEMORY_QUOTA);
    assertThat(c.checkGcSafePoint()).isTrue();
  }

  @Test
  void wrongTypesDoNotBind() throws Exception {
    assertThatThrownBy(() -> ReplicaConfigs.mergeOnDefaults(tree("{\"memory_quota\":\"big\"}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReplicaConfigs.mergeOnDefaults(tree("{\"sync_point_interval\":\"10 parsecs\"}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void etcdFormIsKebabCaseWithTiCdcExceptions() throws Exception {
    ObjectNode api = (ObjectNode) tree("""
        {"memory_quota":1,"sink":{"file_index_width":8,"advance_timeout":150,"send-all-bootstrap-at-start":true,
         "kafka_config":{"partition_num":3,"codec_config":{"enable_tidb_extension":true}},
         "pulsar_config":{"tls-certificate-path":"a"},
         "dispatchers":[{"matcher":["a.*"],"partition":"index-value"}]},
         "filter":{"event_filters":[{"matcher":["a.b"],"ignore_event":["insert"],"ignore_insert_value_expr":"id > 1"}]}}""");
    JsonNode etcd = ReplicaConfigs.toEtcd(api);
    assertThat(etcd).isEqualTo(tree("""
        {"memory-quota":1,"sink":{"file-index-digit":8,"advance-timeout-in-sec":150,"send-all-bootstrap-at-start":true,
         "kafka-config":{"partition-num":3,"codec-config":{"enable-tidb-extension":true}},
         "pulsar-config":{"tls-certificate-path":"a"},
         "dispatchers":[{"matcher":["a.*"],"partition":"index-value"}]},
         "filter":{"event-filters":[{"matcher":["a.b"],"ignore-event":["insert"],"ignore-insert-value-expr":"id > 1"}]}}"""));
    assertThat(ReplicaConfigs.fromEtcd(etcd)).isEqualTo(api);
  }

  /** Every {@code kafka_config} field of TiCDC's API model, in its order. */
  static final String KAFKA_CONFIG = """
      {"partition_num":3,"replication_factor":1,"kafka_version":"2.4.0","max_message_bytes":1048576,\
      "compression":"lz4","kafka_client_id":"cdc","auto_create_topic":false,"dial_timeout":"10s",\
      "write_timeout":"10s","read_timeout":"10s","required_acks":-1,"sasl_user":"u","sasl_password":"p",\
      "sasl_mechanism":"PLAIN","sasl_gssapi_auth_type":"keytab","sasl_gssapi_keytab_path":"/k",\
      "sasl_gssapi_kerberos_config_path":"/etc/krb5.conf","sasl_gssapi_service_name":"kafka",\
      "sasl_gssapi_user":"cdc","sasl_gssapi_password":"gp","sasl_gssapi_realm":"R",\
      "sasl_gssapi_disable_pafxfast":true,"sasl_oauth_client_id":"id","sasl_oauth_client_secret":"s",\
      "sasl_oauth_token_url":"https://t","sasl_oauth_scopes":["a","b"],"sasl_oauth_grant_type":"client_credentials",\
      "sasl_oauth_audience":"aud","enable_tls":true,"ca":"/ca","cert":"/cert","key":"/key",\
      "insecure_skip_verify":false,"codec_config":{"enable_tidb_extension":true,"max_batch_size":16,\
      "avro_enable_watermark":false,"avro_decimal_handling_mode":"string",\
      "avro_bigint_unsigned_handling_mode":"long","encoding_format":"json"},\
      "large_message_handle":{"large_message_handle_option":"claim-check",\
      "large_message_handle_compression":"snappy","claim_check_storage_uri":"file:///tmp/c",\
      "claim_check_raw_value":false},"glue_schema_registry_config":{"registry_name":"r","region":"eu",\
      "access_key":"ak","secret_access_key":"sk","token":"t"},"output_raw_change_event":true}""";

  @Test
  void kafkaConfigIsWrittenBackAsItWasSent() throws Exception {
    ReplicaConfig c = ReplicaConfigs.mergeOnDefaults(tree("{\"sink\":{\"kafka_config\":" + KAFKA_CONFIG + "}}"));
    assertThat(c.sink().kafkaConfig().codecConfig().maxBatchSize()).isEqualTo(16);
    assertThat(Json.compactString(c.sink().kafkaConfig())).isEqualTo(KAFKA_CONFIG);
    // only what is set is written
    ReplicaConfig some = ReplicaConfigs.mergeOnDefaults(tree("""
        {"sink":{"kafka_config":{"partition_num":3,"large_message_handle":{"large_message_handle_option":"handle-key-only"}}}}"""));
    assertThat(Json.compactString(some.sink().kafkaConfig()))
        .isEqualTo("{\"partition_num\":3,\"large_message_handle\":{\"large_message_handle_option\":\"handle-key-only\"}}");
    // and etcd's kebab-case form reads back to the same config
    JsonNode etcd = ReplicaConfigs.toEtcd(Json.MAPPER.valueToTree(c));
    assertThat(etcd.path("sink").path("kafka-config").path("codec-config").path("encoding-format").asText())
        .isEqualTo("json");
    assertThat(ReplicaConfigs.bind(ReplicaConfigs.fromEtcd(etcd))).isEqualTo(c);
  }

  @Test
  void kafkaConfigOfTheWrongTypeDoesNotBind() {
    assertThatThrownBy(() -> ReplicaConfigs.mergeOnDefaults(tree("{\"sink\":{\"kafka_config\":{\"partition_num\":\"3\"}}}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pruneForKafkaDropsDatabaseAndStorageFields() {
    ObjectNode pruned = ReplicaConfigs.prune(ReplicaConfigs.defaultsTree(), "kafka");
    assertThat(pruned.has("enable_sync_point")).isFalse();
    assertThat(pruned.has("bdr_mode")).isFalse();
    assertThat(pruned.has("sync_point_interval")).isFalse();
    assertThat(pruned.has("sync_point_retention")).isFalse();
    assertThat(pruned.has("consistent")).isFalse();
    assertThat(pruned.get("sink").has("csv")).isFalse();
    assertThat(pruned.get("sink").has("date_separator")).isFalse();
    assertThat(pruned.get("sink").has("enable_partition_separator")).isFalse();
    assertThat(pruned.get("sink").get("encoder_concurrency").asInt()).isEqualTo(32);
    assertThat(pruned.get("sink").get("terminator").asText()).isEqualTo("\r\n");
  }

  @Test
  void pruneForMysqlDropsMqFieldsAndNullsTheNonOmitemptyOnes() {
    ObjectNode pruned = ReplicaConfigs.prune(ReplicaConfigs.defaultsTree(), "mysql");
    assertThat(pruned.has("consistent")).isTrue();
    assertThat(pruned.get("sink").has("encoder_concurrency")).isFalse();
    assertThat(pruned.get("sink").has("terminator")).isFalse();
    assertThat(pruned.get("sink").get("delete_only_output_handle_key_columns").isNull()).isTrue();
    assertThat(pruned.get("sink").get("content_compatible").isNull()).isTrue();
  }

  @Test
  void pruneKeepsEverythingForBlackhole() {
    assertThat(ReplicaConfigs.prune(ReplicaConfigs.defaultsTree(), "blackhole"))
        .isEqualTo(ReplicaConfigs.defaultsTree());
  }

  @Test
  void updateReplacesFromTheDefaultsNotFromTheStoredConfig() throws Exception {
    ObjectNode expected = (ObjectNode) tree(DEFAULTS);
    // plain booleans left out are false, pointer booleans unset, memory_quota 0 means the default
    expected.put("check_gc_safe_point", false);
    expected.remove(java.util.List.of("enable_sync_point", "enable_table_monitor", "bdr_mode"));
    expected.put("case_sensitive", true);
    expected.set("filter", tree("{\"rules\":[\"db.*\"]}"));
    // a section that is present is taken as it is
    expected.set("scheduler", tree("{\"region_threshold\":5}"));
    expected.put("sync_point_interval", 60_000_000_000L);
    ReplicaConfig updated = ReplicaConfigs.replaceOnDefaults(tree("""
        {"case_sensitive":true,"memory_quota":0,"filter":{"rules":["db.*"]},"scheduler":{"region_threshold":5},
         "sync_point_interval":"1m","unknown":1}"""));
    assertThat(tree(Json.compactString(updated))).isEqualTo(expected);
    assertThat(ReplicaConfigs.replaceOnDefaults(null)).isEqualTo(ReplicaConfig.DEFAULT);
    assertThatThrownBy(() -> ReplicaConfigs.replaceOnDefaults(tree("[1]")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReplicaConfigs.replaceOnDefaults(tree("{\"force_replicate\":\"yes\"}")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
