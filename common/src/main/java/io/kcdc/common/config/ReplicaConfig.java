package io.kcdc.common.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
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
 * ({@link JsonNaming}), so any mapper reads it alike; the API's mapper adds Go's omitempty and
 * escaping. The Pulsar, MySQL and cloud storage sub-configs, which no sink here reads, stay JSON
 * trees.
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

  /** {@code sink}; see docs/api-v2.md#sink-config for which sink each field applies to. */
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
      JsonNode kafkaConfig,
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
      OldValueConfig open) {}

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

  /** {@code sink.dispatchers[]}: topic and partition rule for matching tables. */
  @JsonInclude(Include.NON_EMPTY)
  @JsonNaming(SnakeCaseStrategy.class)
  public record DispatchRule(
      List<String> matcher, String partition, String index, List<String> columns, String topic) {}

  /** {@code sink.column_selectors[]}. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record ColumnSelector(List<String> matcher, List<String> columns) {}

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
