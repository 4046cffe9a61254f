package io.kcdc.streams.filter;

import static io.kcdc.common.errors.CdcError.FILTER_RULE_INVALID;
import static io.kcdc.common.errors.CdcError.INVALID_IGNORE_EVENT_TYPE;

import io.kcdc.common.TableFilter;
import io.kcdc.common.config.ReplicaConfig.EventFilterRule;
import io.kcdc.common.config.ReplicaConfig.FilterConfig;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code filter.ignore_txn_start_ts} and {@code filter.event_filters} (TiCDC's {@code pkg/filter}: the start-ts
 * check, {@code sqlEventFilter} and {@code dmlExprFilter}). A row is ignored if its transaction's start ts is listed,
 * or a rule whose {@code matcher} accepts its table ignores its type ({@code insert}, {@code update}, {@code delete},
 * {@code all dml}) or its value expression matches (an update if either its old or its new image matches). A DDL is
 * ignored if its start ts is listed, or a matching rule ignores its type ({@link DdlEventType}; {@code all ddl};
 * {@code alter table} for the alter-table kinds) or an {@code ignore_sql} regular expression finds a match in its
 * query. Safe for concurrent use.
 *
 * <p>As in TiCDC, the rules' matchers are case-sensitive whatever {@code case_sensitive} says (TiCDC parses them with
 * {@code tfilter.Parse} and never wraps them), and a matcher with no rules matches nothing.
 */
public final class EventFilter {
  /** Every {@code ignore_event} value TiCDC accepts (its {@code SupportedEventTypes}). */
  public static final Set<String> EVENT_TYPES = Set.of("all dml", "all ddl", "insert", "update", "delete",
      "alter table", "create schema", "drop schema", "create database", "drop database",
      "modify schema charset and collate", "create table", "drop table", "truncate table", "rename table",
      "recover table", "modify table comment", "modify table charset and collate", "create view", "drop view",
      "add table partition", "drop table partition", "truncate table partition", "exchange table partition",
      "reorganize table partition", "alter table partitioning", "remove table partitioning", "add column",
      "drop column", "modify column", "set default value", "rebase auto id", "add primary key", "drop primary key",
      "create index", "drop index", "rename index", "alter index visibility", "alter ttl info", "alter ttl remove",
      "multi schema change", "add foreign key", "drop foreign key");

  private static final EventFilter NONE = new EventFilter(Set.of(), List.of());

  private record VersionKey(long tableId, long version) {}

  /** One version's bound expressions of a rule; null where the rule has none. */
  private record BoundExprs(ValueExpression.Bound insert, ValueExpression.Bound updateOld,
      ValueExpression.Bound updateNew, ValueExpression.Bound delete) {}

  private static final class Rule {
    final TableFilter matcher;
    final Set<String> events;
    final Pattern sql;
    final ValueExpression insert;
    final ValueExpression updateOld;
    final ValueExpression updateNew;
    final ValueExpression delete;
    final Map<VersionKey, BoundExprs> bound = new ConcurrentHashMap<>();

    Rule(EventFilterRule r) {
      try {
        // TableFilter reads no rules as *.*; TiCDC's empty matcher matches nothing
        matcher = orEmpty(r.matcher()).isEmpty() ? null : TableFilter.parse(r.matcher(), true);
      } catch (TableFilter.InvalidRuleException e) {
        throw new SinkConfigException(FILTER_RULE_INVALID, "filter rule is invalid " + r.matcher() + ": "
            + e.getMessage(), e);
      }
      Set<String> es = new HashSet<>();
      for (String event : orEmpty(r.ignoreEvent())) {
        if (!EVENT_TYPES.contains(event)) {
          throw new SinkConfigException(INVALID_IGNORE_EVENT_TYPE, "invalid ignore event type: '" + event + "'");
        }
        // binlog-filter's aliases
        es.add(event.equals("create schema") ? "create database" : event.equals("drop schema") ? "drop database" : event);
      }
      events = Set.copyOf(es);
      sql = sqlPattern(orEmpty(r.ignoreSql()));
      insert = expression(r.ignoreInsertValueExpr());
      updateOld = expression(r.ignoreUpdateOldValueExpr());
      updateNew = expression(r.ignoreUpdateNewValueExpr());
      delete = expression(r.ignoreDeleteValueExpr());
    }

    boolean matches(String schema, String table) {
      if (matcher == null) {
        return false;
      }
      return table == null || table.isEmpty() ? matcher.matchSchema(schema) : matcher.match(schema, table);
    }

    boolean hasExpressions() {
      return insert != null || updateOld != null || updateNew != null || delete != null;
    }

    BoundExprs bind(TableInfo t) {
      return bound.computeIfAbsent(new VersionKey(t.tableId(), t.version()), k -> new BoundExprs(
          insert == null ? null : insert.bind(t), updateOld == null ? null : updateOld.bind(t),
          updateNew == null ? null : updateNew.bind(t), delete == null ? null : delete.bind(t)));
    }
  }

  private final Set<Long> ignoreTxnStartTs;
  private final List<Rule> rules;

  private EventFilter(Set<Long> ignoreTxnStartTs, List<Rule> rules) {
    this.ignoreTxnStartTs = ignoreTxnStartTs;
    this.rules = rules;
  }

  /**
   * Parses the rules of a changefeed's {@code filter} (its table {@code rules} aside): matchers, event names, SQL
   * patterns and value expressions. Null, like an empty filter, ignores nothing.
   *
   * @throws SinkConfigException {@code CDC:ErrFilterRuleInvalid}, {@code CDC:ErrInvalidIgnoreEventType} or
   *     {@code CDC:ErrInvalidFilterExpression}
   */
  public static EventFilter of(FilterConfig config) {
    List<Long> startTs = config == null ? List.of() : orEmpty(config.ignoreTxnStartTs());
    List<EventFilterRule> eventFilters = config == null ? List.of() : orEmpty(config.eventFilters());
    if (startTs.isEmpty() && eventFilters.isEmpty()) {
      return NONE;
    }
    boolean nullStartTs = startTs.stream().anyMatch(Objects::isNull);
    if (nullStartTs || eventFilters.stream().anyMatch(Objects::isNull)) {
      throw new SinkConfigException(FILTER_RULE_INVALID, "filter rule is invalid: null in "
          + (nullStartTs ? "ignore_txn_start_ts" : "event_filters"));
    }
    List<Rule> rules = new ArrayList<>();
    eventFilters.forEach(r -> rules.add(new Rule(r)));
    return new EventFilter(Set.copyOf(startTs), List.copyOf(rules));
  }

  /** An unset list of the API model reads as empty. */
  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Ignores nothing. */
  public static EventFilter none() {
    return NONE;
  }

  public boolean isEmpty() {
    return ignoreTxnStartTs.isEmpty() && rules.isEmpty();
  }

  /** TiCDC's {@code shouldIgnoreStartTs}. */
  public boolean ignoreStartTs(long startTs) {
    return ignoreTxnStartTs.contains(startTs);
  }

  /**
   * TiCDC's {@code ShouldIgnoreDMLEvent} after the table rules: start ts, then event type, then value expressions.
   *
   * @throws SinkConfigException {@code CDC:ErrExpressionColumnNotFound} when an expression names a column the row's
   *     table does not have
   */
  public boolean ignoreRow(RowEvent row) {
    if (ignoreStartTs(row.startTs())) {
      return true;
    }
    if (rules.isEmpty()) {
      return false;
    }
    String type = row.isInsert() ? "insert" : row.isUpdate() ? "update" : row.isDelete() ? "delete" : null;
    if (type == null) {
      return false;
    }
    TableInfo t = row.table();
    List<Rule> matching = new ArrayList<>(rules.size());
    for (Rule r : rules) {
      if (r.matches(t.schemaName(), t.tableName())) {
        matching.add(r);
      }
    }
    for (Rule r : matching) {
      if (r.events.contains(type) || r.events.contains("all dml")) {
        return true;
      }
    }
    for (Rule r : matching) {
      if (!r.hasExpressions()) {
        continue;
      }
      BoundExprs b = r.bind(t);
      boolean ignored = switch (type) {
        case "insert" -> b.insert() != null && b.insert().matches(row.columns());
        case "update" -> b.updateOld() != null && b.updateOld().matches(row.preColumns())
            || b.updateNew() != null && b.updateNew().matches(row.columns());
        default -> b.delete() != null && b.delete().matches(row.preColumns());
      };
      if (ignored) {
        return true;
      }
    }
    return false;
  }

  /**
   * TiCDC's {@code ShouldIgnoreDDLEvent}: an ignored DDL is applied to the schema but not written downstream.
   *
   * @param schema the DDL's schema (for a rename, the old one)
   * @param table the DDL's table (for a rename, the old one); empty for a schema-level DDL
   */
  public boolean ignoreDdl(long startTs, int actionType, String schema, String table, String query) {
    if (ignoreStartTs(startTs)) {
      return true;
    }
    String type = DdlEventType.of(actionType);
    if (type == null || rules.isEmpty()) {
      return false;
    }
    boolean alterTable = DdlEventType.isAlterTable(actionType);
    for (Rule r : rules) {
      if (!r.matches(schema, table)) {
        continue;
      }
      if (r.events.contains(type) || r.events.contains("all ddl") || alterTable && r.events.contains("alter table")) {
        return true;
      }
      if (r.sql != null && query != null && !query.isEmpty() && r.sql.matcher(query).find()) {
        return true;
      }
    }
    return false;
  }

  /** binlog-filter's {@code regexp.Compile("(?i)" + strings.Join(patterns, "|"))}, in Java's syntax. */
  private static Pattern sqlPattern(List<String> patterns) {
    if (patterns.isEmpty()) {
      return null;
    }
    try {
      return Pattern.compile(String.join("|", patterns), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    } catch (PatternSyntaxException e) {
      throw new SinkConfigException(FILTER_RULE_INVALID, "filter rule is invalid " + patterns
          + ": compile regular expression: " + e.getDescription(), e);
    }
  }

  private static ValueExpression expression(String text) {
    return text.isEmpty() ? null : ValueExpression.parse(text);
  }
}
