package io.kcdc.common.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kcdc.common.sink.SinkUriSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * TiCDC's changefeed {@code replica_config} in its public API shape (snake_case, field order and
 * omitempty rules of {@code cdc/api/v2/model.go}): the one model the API answers with, etcd keeps
 * (kebab-case, by api-gateway's {@code ReplicaConfigs}) and the streams app reads. Boxed fields
 * are Go pointers: null = unset and left out. Every record names its own JSON fields
 * ({@link JsonNaming}), so any mapper reads it alike; the API's mapper (api-gateway's {@code Json})
 * leaves unset fields out and escapes as Go does. The sink sub-configs the Kafka sink reads are records too ({@link KafkaConfig} and what
 * it holds); the Pulsar, MySQL and cloud storage ones, which no sink here reads, stay JSON trees, as
 * the client sent them.
 */
@JsonNaming(SnakeCaseStrategy.class)
public record ReplicaConfig(
    Long memoryQuota,
    Boolean caseSensitive,
    Boolean forceReplicate,
    Boolean ignoreIneligibleTable,
    Boolean checkGcSafePoint,
    Boolean enableSyncPoint,
    Boolean enableTableMonitor,
    Boolean bdrMode,
    @JsonDeserialize(using = JsonDuration.Deserializer.class) Long syncPointInterval,
    @JsonDeserialize(using = JsonDuration.Deserializer.class) Long syncPointRetention,
    FilterConfig filter,
    MounterConfig mounter,
    SinkConfig sink,
    ConsistentConfig consistent,
    SchedulerConfig scheduler,
    IntegrityConfig integrity,
    @JsonDeserialize(using = JsonDuration.Deserializer.class) Long changefeedErrorStuckDuration,
    SyncedStatusConfig syncedStatus,
    @JsonInclude(Include.NON_EMPTY) String sqlMode) {

  /** Where {@link #DEFAULT} is written down, by TiCDC's own field names. */
  private static final String DEFAULTS_RESOURCE = "replica-config-defaults.json";

  /**
   * {@code config.GetDefaultReplicaConfig()}: the published defaults
   * (docs/api-v2.md#default-configuration), read from {@code replica-config-defaults.json} next
   * to this class so that every default is named as TiCDC names it.
   */
  public static final ReplicaConfig DEFAULT = readDefaults();

  /** 1 GiB, also used when a request sets {@code memory_quota} to 0. */
  public static final long DEFAULT_MEMORY_QUOTA = DEFAULT.memoryQuota();

  /** The table filter that replicates everything ({@code ["*.*"]}), used when a config has no rules. */
  public static final List<String> ALL_TABLES = DEFAULT.filter().rules();

  /** The filter rules, or {@link #ALL_TABLES} if there are none. */
  public List<String> filterRules() {
    return filter == null || filter.rules() == null || filter.rules().isEmpty() ? ALL_TABLES : filter.rules();
  }

  private static ReplicaConfig readDefaults() {
    try (InputStream in = ReplicaConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
      }
      return new ObjectMapper().readValue(in, ReplicaConfig.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Table filter ({@code filter}). */
  @JsonNaming(SnakeCaseStrategy.class)
  public record FilterConfig(
      @JsonInclude(Include.NON_EMPTY) List<String> rules,
      @JsonInclude(Include.NON_EMPTY) List<Long> ignoreTxnStartTs,
      @JsonInclude(Include.NON_EMPTY) List<EventFilterRule> eventFilters) {
    /** Read-only lists: {@link ReplicaConfig#DEFAULT} is shared. */
    public FilterConfig {
      rules = readOnly(rules);
      ignoreTxnStartTs = readOnly(ignoreTxnStartTs);
      eventFilters = readOnly(eventFilters);
    }
  }

  /** A read-only view of a copy (nulls kept: they bind from JSON as they are). */
  private static <T> List<T> readOnly(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }

  /** One {@code filter.event_filters} rule; every field is always written. */
  @JsonInclude(Include.ALWAYS)
  @JsonNaming(SnakeCaseStrategy.class)
  public record EventFilterRule(
      List<String> matcher,
      List<String> ignoreEvent,
      List<String> ignoreSql,
      String ignoreInsertValueExpr,
      String ignoreUpdateNewValueExpr,
      String ignoreUpdateOldValueExpr,
      String ignoreDeleteValueExpr) {
    public EventFilterRule {
      ignoreInsertValueExpr = ignoreInsertValueExpr == null ? "" : ignoreInsertValueExpr;
      ignoreUpdateNewValueExpr = ignoreUpdateNewValueExpr == null ? "" : ignoreUpdateNewValueExpr;
      ignoreUpdateOldValueExpr = ignoreUpdateOldValueExpr == null ? "" : ignoreUpdateOldValueExpr;
      ignoreDeleteValueExpr = ignoreDeleteValueExpr == null ? "" : ignoreDeleteValueExpr;
    }
  }

  /** {@code mounter}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record MounterConfig(Integer workerNum) {}

  /**
   * {@code sink}; see docs/api-v2.md#sink-config for which sink each field applies to. The Kafka sink reads
   * {@code protocol}, {@code schema_registry}, {@code csv}, {@code dispatchers}, {@code column_selectors},
   * {@code encoder_concurrency}, {@code terminator}, the column options, {@code kafka_config} and {@code open}.
   */
  @JsonNaming(SnakeCaseStrategy.class)
  public record SinkConfig(
      String protocol,
      String schemaRegistry,
      CsvConfig csv,
      @JsonInclude(Include.NON_EMPTY) List<DispatchRule> dispatchers,
      @JsonInclude(Include.NON_EMPTY) List<ColumnSelector> columnSelectors,
      String transactionAtomicity,
      Integer encoderConcurrency,
      String terminator,
      String dateSeparator,
      Boolean enablePartitionSeparator,
      Integer fileIndexWidth,
      Boolean enableKafkaSinkV2,
      Boolean onlyOutputUpdatedColumns,
      @JsonInclude(Include.ALWAYS) Boolean deleteOnlyOutputHandleKeyColumns,
      @JsonInclude(Include.ALWAYS) Boolean contentCompatible,
      Boolean safeMode,
      KafkaConfig kafkaConfig,
      JsonNode pulsarConfig,
      JsonNode mysqlConfig,
      JsonNode cloudStorageConfig,
      Long advanceTimeout,
      Long sendBootstrapIntervalInSec,
      Integer sendBootstrapInMsgCount,
      Boolean sendBootstrapToAllPartition,
      @JsonProperty("send-all-bootstrap-at-start") Boolean sendAllBootstrapAtStart,
      Boolean debeziumDisableSchema,
      OldValueConfig debezium,
      OldValueConfig open) {

    public SinkConfig {
      dispatchers = readOnly(dispatchers);
      columnSelectors = readOnly(columnSelectors);
    }

    /** A {@code sink} that sets nothing. */
    public static SinkConfig empty() {
      return new SinkConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The dispatch rules; none when unset. */
    public List<DispatchRule> dispatchRules() {
      return dispatchers == null ? List.of() : dispatchers;
    }

    /** The column selectors; none when unset. */
    public List<ColumnSelector> columnSelectorRules() {
      return columnSelectors == null ? List.of() : columnSelectors;
    }
  }

  /** {@code sink.csv}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record CsvConfig(
      String delimiter,
      String quote,
      @JsonProperty("null") String nullValue,
      Boolean includeCommitTs,
      String binaryEncodingMethod,
      Boolean outputOldValue,
      Boolean outputHandleKey,
      Boolean outputFieldHeader) {}

  /**
   * {@code sink.dispatchers[]}: the tables it applies to (table-filter syntax), the partition dispatcher
   * ({@code default|table|ts|index-value|rowid|columns}), its index or columns, and the topic expression. Every
   * field is Go's omitempty, so unset reads as empty.
   */
  @JsonInclude(Include.NON_EMPTY)
  @JsonNaming(SnakeCaseStrategy.class)
  public record DispatchRule(
      List<String> matcher, String partition, String index, List<String> columns, String topic) {
    public DispatchRule {
      matcher = matcher == null ? List.of() : readOnly(matcher);
      partition = partition == null ? "" : partition;
      index = index == null ? "" : index;
      columns = columns == null ? List.of() : readOnly(columns);
      topic = topic == null ? "" : topic;
    }
  }

  /** {@code sink.column_selectors[]}: the tables it applies to and the columns kept (filter syntax). */
  @JsonNaming(SnakeCaseStrategy.class)
  public record ColumnSelector(List<String> matcher, List<String> columns) {
    public ColumnSelector {
      matcher = readOnly(matcher);
      columns = readOnly(columns);
    }
  }

  /**
   * {@code sink.kafka_config}, in the field order of TiCDC's API model; sink URI parameters take precedence over
   * it (docs/kafka-sink.md#sink-uri-parameters). {@link #toString()} hides the secrets.
   */
  @JsonNaming(SnakeCaseStrategy.class)
  public record KafkaConfig(
      Integer partitionNum,
      Integer replicationFactor,
      String kafkaVersion,
      Integer maxMessageBytes,
      String compression,
      String kafkaClientId,
      Boolean autoCreateTopic,
      String dialTimeout,
      String writeTimeout,
      String readTimeout,
      Integer requiredAcks,
      String saslUser,
      String saslPassword,
      String saslMechanism,
      String saslGssapiAuthType,
      String saslGssapiKeytabPath,
      String saslGssapiKerberosConfigPath,
      String saslGssapiServiceName,
      String saslGssapiUser,
      String saslGssapiPassword,
      String saslGssapiRealm,
      Boolean saslGssapiDisablePafxfast,
      String saslOauthClientId,
      String saslOauthClientSecret,
      String saslOauthTokenUrl,
      List<String> saslOauthScopes,
      String saslOauthGrantType,
      String saslOauthAudience,
      Boolean enableTls,
      String ca,
      String cert,
      String key,
      Boolean insecureSkipVerify,
      CodecConfig codecConfig,
      LargeMessageHandleConfig largeMessageHandle,
      GlueSchemaRegistryConfig glueSchemaRegistryConfig,
      Boolean outputRawChangeEvent) {

    public KafkaConfig {
      saslOauthScopes = readOnly(saslOauthScopes);
    }

    /** A {@code kafka_config} that sets nothing. */
    public static KafkaConfig empty() {
      return new KafkaConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null);
    }

    @Override
    public String toString() {
      return "KafkaConfig[partitionNum=" + partitionNum + ", replicationFactor=" + replicationFactor
          + ", kafkaVersion=" + kafkaVersion + ", maxMessageBytes=" + maxMessageBytes + ", compression="
          + compression + ", kafkaClientId=" + kafkaClientId + ", autoCreateTopic=" + autoCreateTopic
          + ", dialTimeout=" + dialTimeout + ", writeTimeout=" + writeTimeout + ", readTimeout=" + readTimeout
          + ", requiredAcks=" + requiredAcks + ", saslUser=" + saslUser + ", saslPassword=" + masked(saslPassword)
          + ", saslMechanism=" + saslMechanism + ", saslGssapiAuthType=" + saslGssapiAuthType
          + ", saslGssapiKeytabPath=" + saslGssapiKeytabPath + ", saslGssapiKerberosConfigPath="
          + saslGssapiKerberosConfigPath + ", saslGssapiServiceName=" + saslGssapiServiceName + ", saslGssapiUser="
          + saslGssapiUser + ", saslGssapiPassword=" + masked(saslGssapiPassword) + ", saslGssapiRealm="
          + saslGssapiRealm + ", saslGssapiDisablePafxfast=" + saslGssapiDisablePafxfast + ", saslOauthClientId="
          + saslOauthClientId + ", saslOauthClientSecret=" + masked(saslOauthClientSecret) + ", saslOauthTokenUrl="
          + saslOauthTokenUrl + ", saslOauthScopes=" + saslOauthScopes + ", saslOauthGrantType=" + saslOauthGrantType
          + ", saslOauthAudience=" + saslOauthAudience + ", enableTls=" + enableTls + ", ca=" + ca + ", cert=" + cert
          + ", key=" + key + ", insecureSkipVerify=" + insecureSkipVerify + ", codecConfig=" + codecConfig
          + ", largeMessageHandle=" + largeMessageHandle + ", glueSchemaRegistryConfig=" + glueSchemaRegistryConfig
          + ", outputRawChangeEvent=" + outputRawChangeEvent + "]";
    }
  }

  /** {@code kafka_config.codec_config}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record CodecConfig(
      Boolean enableTidbExtension,
      Integer maxBatchSize,
      Boolean avroEnableWatermark,
      String avroDecimalHandlingMode,
      String avroBigintUnsignedHandlingMode,
      String encodingFormat) {

    /** A {@code codec_config} that sets nothing. */
    public static CodecConfig empty() {
      return new CodecConfig(null, null, null, null, null, null);
    }
  }

  /** {@code kafka_config.large_message_handle} (docs/large-rows.md). */
  @JsonNaming(SnakeCaseStrategy.class)
  public record LargeMessageHandleConfig(
      String largeMessageHandleOption,
      String largeMessageHandleCompression,
      String claimCheckStorageUri,
      Boolean claimCheckRawValue) {}

  /** {@code kafka_config.glue_schema_registry_config}; {@link #toString()} hides the secrets. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record GlueSchemaRegistryConfig(
      String registryName, String region, String accessKey, String secretAccessKey, String token) {
    @Override
    public String toString() {
      return "GlueSchemaRegistryConfig[registryName=" + registryName + ", region=" + region + ", accessKey="
          + accessKey + ", secretAccessKey=" + masked(secretAccessKey) + ", token=" + masked(token) + "]";
    }
  }

  /** A secret as {@code toString()} shows it: {@link SinkUriSecrets#MASK}, or null when unset. */
  private static String masked(String secret) {
    return secret == null ? null : SinkUriSecrets.MASK;
  }

  /** {@code sink.debezium} and {@code sink.open}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record OldValueConfig(Boolean outputOldValue) {}

  /** {@code consistent} (redo log). */
  @JsonNaming(SnakeCaseStrategy.class)
  public record ConsistentConfig(
      String level,
      Long maxLogSize,
      Long flushInterval,
      Long metaFlushInterval,
      Integer encodingWorkerNum,
      Integer flushWorkerNum,
      @JsonInclude(Include.NON_EMPTY) String storage,
      Boolean useFileBackend,
      @JsonInclude(Include.NON_EMPTY) String compression,
      @JsonInclude(Include.NON_DEFAULT) Integer flushConcurrency,
      MemoryUsage memoryUsage) {}

  /** {@code consistent.memory_usage}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record MemoryUsage(Long memoryQuotaPercentage) {}

  /** {@code scheduler}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record SchedulerConfig(
      Boolean enableTableAcrossNodes, Integer regionThreshold, Integer writeKeyThreshold) {}

  /** {@code integrity}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record IntegrityConfig(String integrityCheckLevel, String corruptionHandleLevel) {}

  /** {@code synced_status}, in seconds. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record SyncedStatusConfig(Long syncedCheckInterval, Long checkpointInterval) {}
}
