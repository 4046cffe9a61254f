package io.kcdc.streams.filter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The part of a changefeed's {@code replica_config.filter} the streams app applies (API v2 JSON names,
 * docs/filters.md#event-filters): {@code ignore_txn_start_ts} and {@code event_filters}. Table {@code rules} are
 * applied upstream by the connector; unknown fields are ignored so the whole {@code filter} object can be bound.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventFilterConfig(
    @JsonProperty("ignore_txn_start_ts") List<Long> ignoreTxnStartTs,
    @JsonProperty("event_filters") List<Rule> eventFilters) {

  public EventFilterConfig {
    ignoreTxnStartTs = ignoreTxnStartTs == null ? List.of() : List.copyOf(ignoreTxnStartTs);
    eventFilters = eventFilters == null ? List.of() : List.copyOf(eventFilters);
  }

  public static EventFilterConfig empty() {
    return new EventFilterConfig(null, null);
  }

  public boolean isEmpty() {
    return ignoreTxnStartTs.isEmpty() && eventFilters.isEmpty();
  }

  /** One {@code event_filters[]} rule; an empty expression is "not set". */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Rule(
      @JsonProperty("matcher") List<String> matcher,
      @JsonProperty("ignore_event") List<String> ignoreEvent,
      @JsonProperty("ignore_sql") List<String> ignoreSql,
      @JsonProperty("ignore_insert_value_expr") String ignoreInsertValueExpr,
      @JsonProperty("ignore_update_new_value_expr") String ignoreUpdateNewValueExpr,
      @JsonProperty("ignore_update_old_value_expr") String ignoreUpdateOldValueExpr,
      @JsonProperty("ignore_delete_value_expr") String ignoreDeleteValueExpr) {

    public Rule {
      matcher = matcher == null ? List.of() : List.copyOf(matcher);
      ignoreEvent = ignoreEvent == null ? List.of() : List.copyOf(ignoreEvent);
      ignoreSql = ignoreSql == null ? List.of() : List.copyOf(ignoreSql);
      ignoreInsertValueExpr = ignoreInsertValueExpr == null ? "" : ignoreInsertValueExpr;
      ignoreUpdateNewValueExpr = ignoreUpdateNewValueExpr == null ? "" : ignoreUpdateNewValueExpr;
      ignoreUpdateOldValueExpr = ignoreUpdateOldValueExpr == null ? "" : ignoreUpdateOldValueExpr;
      ignoreDeleteValueExpr = ignoreDeleteValueExpr == null ? "" : ignoreDeleteValueExpr;
    }
  }
}
