package io.kcdc.gateway.api;

import io.kcdc.common.GoDuration;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.config.ReplicaConfig.EventFilterRule;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import java.util.List;
import java.util.Set;

/** TiCDC's {@code ReplicaConfig.ValidateAndAdjust} checks that need no sink or upstream. */
public final class ReplicaConfigValidator {
  private static final long SECOND_NS = 1_000_000_000L;
  private static final long MIN_SYNC_POINT_INTERVAL = 30 * SECOND_NS;
  private static final long MIN_SYNC_POINT_RETENTION = 3600 * SECOND_NS;
  private static final long MIN_STUCK_DURATION = 1800 * SECOND_NS;

  /** Allowed {@code ignore_event} values (docs/filters.md#event-filters). */
  static final Set<String> IGNORE_EVENTS = Set.of(
      "all dml", "all ddl", "insert", "update", "delete", "alter table", "create schema",
      "drop schema", "create database", "drop database", "modify schema charset and collate",
      "create table", "drop table", "truncate table", "rename table", "recover table",
      "modify table comment", "modify table charset and collate", "create view", "drop view",
      "add table partition", "drop table partition", "truncate table partition",
      "exchange table partition", "reorganize table partition", "alter table partitioning",
      "remove table partitioning", "add column", "drop column", "modify column",
      "set default value", "rebase auto id", "add primary key", "drop primary key",
      "create index", "drop index", "rename index", "alter index visibility", "alter ttl info",
      "alter ttl remove", "multi schema change", "add foreign key", "drop foreign key");

  private ReplicaConfigValidator() {}

  /** @throws CdcException with the code TiCDC uses for the first problem found */
  public static void validate(ReplicaConfig c) {
    if (c.filter() != null) {
      TableFilterRules.validate(c.filter().rules());
      if (c.filter().eventFilters() != null) {
        for (EventFilterRule rule : c.filter().eventFilters()) {
          TableFilterRules.validate(rule.matcher());
          for (String event : nullToEmpty(rule.ignoreEvent())) {
            if (!IGNORE_EVENTS.contains(event)) {
              throw CdcError.INVALID_IGNORE_EVENT_TYPE.gen(event);
            }
          }
        }
      }
    }
    if (Boolean.TRUE.equals(c.enableSyncPoint())) {
      if (c.syncPointInterval() != null && c.syncPointInterval() < MIN_SYNC_POINT_INTERVAL) {
        throw CdcError.INVALID_REPLICA_CONFIG.gen(String.format(
            "The SyncPointInterval:%s must be larger than 30s", GoDuration.format(c.syncPointInterval())));
      }
      if (c.syncPointRetention() != null && c.syncPointRetention() < MIN_SYNC_POINT_RETENTION) {
        throw CdcError.INVALID_REPLICA_CONFIG.gen(String.format(
            "The SyncPointRetention:%s must be larger than 1h0m0s", GoDuration.format(c.syncPointRetention())));
      }
    }
    if (c.changefeedErrorStuckDuration() != null && c.changefeedErrorStuckDuration() < MIN_STUCK_DURATION) {
      throw CdcError.INVALID_REPLICA_CONFIG.gen(String.format(
          "The ChangefeedErrorStuckDuration:%s must be larger than 30m0s",
          GoDuration.format(c.changefeedErrorStuckDuration())));
    }
    if (c.integrity() != null) {
      String check = c.integrity().integrityCheckLevel();
      String corruption = c.integrity().corruptionHandleLevel();
      if (check != null && !Set.of("none", "correctness").contains(check)) {
        throw CdcError.INVALID_REPLICA_CONFIG.gen("invalid integrity check level: " + check);
      }
      if (corruption != null && !Set.of("warn", "error").contains(corruption)) {
        throw CdcError.INVALID_REPLICA_CONFIG.gen("invalid corruption handle level: " + corruption);
      }
      if ("correctness".equals(check) && c.sink() != null
          && c.sink().columnSelectors() != null && !c.sink().columnSelectors().isEmpty()) {
        throw CdcError.INVALID_REPLICA_CONFIG.gen(
            "integrity check level correctness is not compatible with column selectors");
      }
      if ("correctness".equals(check)) {
        // Row checksums need TiDB's row-level checksum in every row and its verification in the
        // mounter; without them the avro _tidb_row_level_checksum fields would be empty promises.
        throw CdcError.INVALID_REPLICA_CONFIG.gen(
            "integrity check level correctness (row-level checksums) is not supported yet");
      }
    }
    if (c.consistent() != null && c.consistent().level() != null) {
      String level = c.consistent().level();
      if (!Set.of("none", "eventual").contains(level)) {
        throw CdcError.INVALID_REPLICA_CONFIG.gen("consistent level " + level + " not valid");
      }
    }
    validateSink(c.sink());
  }

  private static void validateSink(SinkConfig sink) {
    if (sink == null) {
      return;
    }
    if (sink.encoderConcurrency() != null && sink.encoderConcurrency() <= 0) {
      throw CdcError.SINK_INVALID_CONFIG.withMessage(
          "sink config invalid: encoder-concurrency should greater than 0, but got %d",
          sink.encoderConcurrency());
    }
    if (sink.csv() != null) {
      String delimiter = sink.csv().delimiter();
      String quote = sink.csv().quote();
      if (delimiter != null && (delimiter.isEmpty() || delimiter.length() > 2)) {
        throw CdcError.SINK_INVALID_CONFIG.withMessage(
            "sink config invalid: the length of delimiter cannot exceed 2 or be empty");
      }
      if (quote != null && quote.length() > 1) {
        throw CdcError.SINK_INVALID_CONFIG.withMessage(
            "sink config invalid: the length of quote cannot exceed 1");
      }
      if (quote != null && delimiter != null && !quote.isEmpty() && delimiter.contains(quote)) {
        throw CdcError.SINK_INVALID_CONFIG.withMessage(
            "sink config invalid: quote and delimiter has common characters which is not allowed");
      }
    }
    if (sink.dispatchers() != null) {
      for (var d : sink.dispatchers()) {
        TableFilterRules.validate(d.matcher());
      }
    }
    if (sink.columnSelectors() != null) {
      for (var s : sink.columnSelectors()) {
        TableFilterRules.validate(s.matcher());
      }
    }
  }

  private static List<String> nullToEmpty(List<String> l) {
    return l == null ? List.of() : l;
  }
}
