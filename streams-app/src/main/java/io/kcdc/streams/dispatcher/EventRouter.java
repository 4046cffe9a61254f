package io.kcdc.streams.dispatcher;

import io.kcdc.common.TableFilter;
import io.kcdc.common.config.ReplicaConfig.DispatchRule;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TiCDC's {@code EventRouter} (docs/kafka-sink.md#event-routing): the configured dispatch rules plus an implicit last
 * rule {@code *.*} → default partition dispatcher and default topic; the first rule whose matcher accepts the table
 * decides both the topic and the partition. Pure; one instance per changefeed.
 */
public final class EventRouter {
  private static final Logger LOG = LoggerFactory.getLogger(EventRouter.class);

  private record Route(TableFilter matcher, TopicDispatcher topic, PartitionDispatcher partition) {}

  private record TableName(String schema, String table) {}

  /** A table's topic and partition dispatcher, as the first matching rule gives them. */
  private record TableRoute(String topic, PartitionDispatcher partition) {}

  private final List<Route> routes;
  private final String defaultTopic;
  /** Each table's route, so that a row costs no rule matching or topic expression (the rules are fixed). */
  private final Map<TableName, TableRoute> routeByTable = new ConcurrentHashMap<>();

  public EventRouter(List<DispatchRule> rules, String defaultTopic, String protocol, boolean caseSensitive) {
    this.defaultTopic = defaultTopic;
    List<Route> rs = new ArrayList<>();
    for (DispatchRule r : rules) {
      rs.add(new Route(matcher(r.matcher(), caseSensitive),
          TopicDispatcher.of(r.topic(), defaultTopic, protocol), partitionDispatcher(r)));
    }
    rs.add(new Route(TableFilter.parse(List.of("*.*"), caseSensitive),
        TopicDispatcher.of("", defaultTopic, protocol), PartitionDispatcher.table()));
    this.routes = List.copyOf(rs);
  }

  public static EventRouter of(KafkaSinkOptions options) {
    return new EventRouter(options.dispatchers(), options.defaultTopic(), options.protocol(), options.caseSensitive());
  }

  private static TableFilter matcher(List<String> rules, boolean caseSensitive) {
    try {
      return TableFilter.parse(rules, caseSensitive);
    } catch (TableFilter.InvalidRuleException e) {
      throw new SinkConfigException(CdcError.FILTER_RULE_INVALID, "filter rule is invalid " + rules + ": " + e.getMessage(), e);
    }
  }

  private static PartitionDispatcher partitionDispatcher(DispatchRule r) {
    return switch (r.partition().toLowerCase(Locale.ROOT)) {
      case "ts" -> PartitionDispatcher.ts();
      case "index-value", "rowid" -> new IndexValueDispatcher(r.index());
      case "columns" -> new ColumnsDispatcher(r.columns());
      case "table", "default", "" -> PartitionDispatcher.table();
      default -> {
        LOG.warn("unknown partition dispatcher {}, using the default dispatcher", r.partition());
        yield PartitionDispatcher.table();
      }
    };
  }

  private TableRoute route(String schema, String table) {
    return routeByTable.computeIfAbsent(new TableName(schema, table), t -> {
      Route r = firstMatch(t.schema(), t.table());
      return new TableRoute(r.topic.topic(t.schema(), t.table()), r.partition);
    });
  }

  private Route firstMatch(String schema, String table) {
    for (Route r : routes) {
      if (r.matcher.match(schema, table)) {
        return r;
      }
    }
    return routes.get(routes.size() - 1);
  }

  /** The topic of a table's rows. */
  public String topic(String schema, String table) {
    return route(schema, table).topic();
  }

  /** The topic of a DDL: schema-level DDLs (empty table) go to the default topic. */
  public String ddlTopic(String schema, String table) {
    return table == null || table.isEmpty() ? defaultTopic : topic(schema, table);
  }

  /** The partition of a row among {@code partitionNum} partitions. */
  public int partition(RowEvent row, int partitionNum) {
    return route(row.table().schemaName(), row.table().tableName()).partition().partition(row, partitionNum);
  }

  public String defaultTopic() {
    return defaultTopic;
  }
}
