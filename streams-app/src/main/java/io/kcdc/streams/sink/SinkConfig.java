package io.kcdc.streams.sink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kcdc.common.sink.SinkUriSecrets;
import java.util.List;

/**
 * The part of a changefeed's {@code replica_config.sink} the MQ sink reads (API v2 JSON names,
 * docs/api-v2.md#sink-config); unknown fields are ignored so the whole {@code sink} object can be bound. Null means
 * "not set".
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SinkConfig(
    @JsonProperty("protocol") String protocol,
    @JsonProperty("dispatchers") List<DispatchRule> dispatchers,
    @JsonProperty("only_output_updated_columns") Boolean onlyOutputUpdatedColumns,
    @JsonProperty("delete_only_output_handle_key_columns") Boolean deleteOnlyOutputHandleKeyColumns,
    @JsonProperty("content_compatible") Boolean contentCompatible,
    @JsonProperty("kafka_config") KafkaConfig kafkaConfig,
    @JsonProperty("schema_registry") String schemaRegistry,
    @JsonProperty("column_selectors") List<ColumnSelectorRule> columnSelectors,
    @JsonProperty("encoder_concurrency") Integer encoderConcurrency,
    @JsonProperty("terminator") String terminator,
    @JsonProperty("csv") CsvConfigJson csv,
    @JsonProperty("open") OpenConfig open) {

  public SinkConfig {
    dispatchers = dispatchers == null ? List.of() : List.copyOf(dispatchers);
    columnSelectors = columnSelectors == null ? List.of() : List.copyOf(columnSelectors);
  }

  public SinkConfig(String protocol, List<DispatchRule> dispatchers, Boolean onlyOutputUpdatedColumns,
      Boolean deleteOnlyOutputHandleKeyColumns, Boolean contentCompatible, KafkaConfig kafkaConfig) {
    this(protocol, dispatchers, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns, contentCompatible,
        kafkaConfig, null, null, null, null, null, null);
  }

  public static SinkConfig empty() {
    return new SinkConfig(null, null, null, null, null, null);
  }

  public SinkConfig withSchemaRegistry(String url) {
    return new SinkConfig(protocol, dispatchers, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns,
        contentCompatible, kafkaConfig, url, columnSelectors, encoderConcurrency, terminator, csv, open);
  }

  public SinkConfig withColumnSelectors(List<ColumnSelectorRule> selectors) {
    return new SinkConfig(protocol, dispatchers, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns,
        contentCompatible, kafkaConfig, schemaRegistry, selectors, encoderConcurrency, terminator, csv, open);
  }

  public SinkConfig withKafkaConfig(KafkaConfig kc) {
    return new SinkConfig(protocol, dispatchers, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns,
        contentCompatible, kc, schemaRegistry, columnSelectors, encoderConcurrency, terminator, csv, open);
  }

  /**
   * {@code sink.kafka_config}: the subset the sink uses; URI parameters take precedence over it. The OAuth fields are
   * not bound (OAUTHBEARER is refused, see {@link KafkaClientOptions}); {@link #toString()} hides the password.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record KafkaConfig(
      @JsonProperty("partition_num") Integer partitionNum,
      @JsonProperty("replication_factor") Integer replicationFactor,
      @JsonProperty("max_message_bytes") Integer maxMessageBytes,
      @JsonProperty("auto_create_topic") Boolean autoCreateTopic,
      @JsonProperty("codec_config") CodecConfig codecConfig,
      @JsonProperty("output_raw_change_event") Boolean outputRawChangeEvent,
      @JsonProperty("large_message_handle") LargeMessageHandleConfig largeMessageHandle,
      @JsonProperty("compression") String compression,
      @JsonProperty("kafka_client_id") String kafkaClientId,
      @JsonProperty("dial_timeout") String dialTimeout,
      @JsonProperty("write_timeout") String writeTimeout,
      @JsonProperty("read_timeout") String readTimeout,
      @JsonProperty("required_acks") Integer requiredAcks,
      @JsonProperty("sasl_user") String saslUser,
      @JsonProperty("sasl_password") String saslPassword,
      @JsonProperty("sasl_mechanism") String saslMechanism,
      @JsonProperty("sasl_gssapi_auth_type") String saslGssapiAuthType,
      @JsonProperty("sasl_gssapi_keytab_path") String saslGssapiKeytabPath,
      @JsonProperty("sasl_gssapi_kerberos_config_path") String saslGssapiKerberosConfigPath,
      @JsonProperty("sasl_gssapi_service_name") String saslGssapiServiceName,
      @JsonProperty("sasl_gssapi_user") String saslGssapiUser,
      @JsonProperty("sasl_gssapi_realm") String saslGssapiRealm,
      @JsonProperty("enable_tls") Boolean enableTls,
      @JsonProperty("ca") String ca,
      @JsonProperty("cert") String cert,
      @JsonProperty("key") String key,
      @JsonProperty("insecure_skip_verify") Boolean insecureSkipVerify) {

    public KafkaConfig(Integer partitionNum, Integer replicationFactor, Integer maxMessageBytes, Boolean autoCreateTopic,
        CodecConfig codecConfig, Boolean outputRawChangeEvent) {
      this(partitionNum, replicationFactor, maxMessageBytes, autoCreateTopic, codecConfig, outputRawChangeEvent, null);
    }

    public KafkaConfig(Integer partitionNum, Integer replicationFactor, Integer maxMessageBytes, Boolean autoCreateTopic,
        CodecConfig codecConfig, Boolean outputRawChangeEvent, LargeMessageHandleConfig largeMessageHandle) {
      this(partitionNum, replicationFactor, maxMessageBytes, autoCreateTopic, codecConfig, outputRawChangeEvent,
          largeMessageHandle, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null);
    }

    public static KafkaConfig empty() {
      return new KafkaConfig(null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
      return "KafkaConfig[partitionNum=" + partitionNum + ", replicationFactor=" + replicationFactor
          + ", maxMessageBytes=" + maxMessageBytes + ", autoCreateTopic=" + autoCreateTopic + ", codecConfig="
          + codecConfig + ", outputRawChangeEvent=" + outputRawChangeEvent + ", largeMessageHandle="
          + largeMessageHandle + ", compression=" + compression + ", kafkaClientId=" + kafkaClientId
          + ", dialTimeout=" + dialTimeout + ", writeTimeout=" + writeTimeout + ", readTimeout=" + readTimeout
          + ", requiredAcks=" + requiredAcks + ", saslUser=" + saslUser + ", saslPassword="
          + (saslPassword == null ? null : SinkUriSecrets.MASK) + ", saslMechanism=" + saslMechanism
          + ", saslGssapiAuthType=" + saslGssapiAuthType + ", saslGssapiKeytabPath=" + saslGssapiKeytabPath
          + ", saslGssapiKerberosConfigPath=" + saslGssapiKerberosConfigPath + ", saslGssapiServiceName="
          + saslGssapiServiceName + ", saslGssapiUser=" + saslGssapiUser + ", saslGssapiRealm=" + saslGssapiRealm
          + ", enableTls=" + enableTls + ", ca=" + ca + ", cert=" + cert + ", key=" + key + ", insecureSkipVerify="
          + insecureSkipVerify + "]";
    }
  }

  /** {@code kafka_config.codec_config}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CodecConfig(
      @JsonProperty("enable_tidb_extension") Boolean enableTidbExtension,
      @JsonProperty("max_batch_size") Integer maxBatchSize,
      @JsonProperty("avro_enable_watermark") Boolean avroEnableWatermark,
      @JsonProperty("avro_decimal_handling_mode") String avroDecimalHandlingMode,
      @JsonProperty("avro_bigint_unsigned_handling_mode") String avroBigintUnsignedHandlingMode) {

    public CodecConfig(Boolean enableTidbExtension) {
      this(enableTidbExtension, null, null, null, null);
    }
  }

  /** {@code kafka_config.large_message_handle}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LargeMessageHandleConfig(
      @JsonProperty("large_message_handle_option") String option,
      @JsonProperty("large_message_handle_compression") String compression,
      @JsonProperty("claim_check_storage_uri") String claimCheckStorageUri,
      @JsonProperty("claim_check_raw_value") Boolean claimCheckRawValue) {}

  /** One {@code sink.column_selectors[]} entry: the tables it applies to and the columns kept (filter syntax). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ColumnSelectorRule(
      @JsonProperty("matcher") List<String> matcher,
      @JsonProperty("columns") List<String> columns) {

    public ColumnSelectorRule {
      matcher = matcher == null ? List.of() : List.copyOf(matcher);
      columns = columns == null ? List.of() : List.copyOf(columns);
    }
  }

  /** {@code sink.csv} as the API writes it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CsvConfigJson(
      @JsonProperty("delimiter") String delimiter,
      @JsonProperty("quote") String quote,
      @JsonProperty("null") String nullString,
      @JsonProperty("include_commit_ts") Boolean includeCommitTs,
      @JsonProperty("binary_encoding_method") String binaryEncodingMethod,
      @JsonProperty("output_old_value") Boolean outputOldValue,
      @JsonProperty("output_handle_key") Boolean outputHandleKey,
      @JsonProperty("output_field_header") Boolean outputFieldHeader) {}

  /** {@code sink.open}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OpenConfig(@JsonProperty("output_old_value") Boolean outputOldValue) {}
}
