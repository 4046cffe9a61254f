package io.kcdc.streams.selector;

import static io.kcdc.common.errors.CdcError.COLUMN_SELECTOR_FAILED;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.IndexDef;
import io.kcdc.avro.TableSchema;
import io.kcdc.common.TableFilter;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code sink.column_selectors} (TiCDC's {@code columnselector}): the first selector whose matcher accepts the
 * table keeps only the columns its patterns accept (wildcards, {@code !} excludes, later patterns win,
 * case-insensitive). Rows are projected onto a narrower table schema, so every encoder simply writes fewer
 * columns. A selection must keep the primary key or a whole unique key, else {@code CDC:ErrColumnSelectorFailed}.
 */
public final class ColumnSelector {
  private record Rule(TableFilter tables, TableFilter columns) {}

  /** A projection of one table version: the narrower table and the kept positions (null = keep all). */
  private record Projection(TableInfo table, int[] kept) {}

  private record VersionKey(long tableId, long version) {}

  private final List<Rule> rules;
  private final Map<VersionKey, Projection> projections = new ConcurrentHashMap<>();

  public ColumnSelector(List<ReplicaConfig.ColumnSelector> selectors, boolean caseSensitive) {
    List<Rule> rs = new ArrayList<>();
    for (ReplicaConfig.ColumnSelector s : selectors) {
      try {
        rs.add(new Rule(TableFilter.parse(s.matcher(), caseSensitive),
            columnFilter(s.columns() == null ? List.of() : s.columns())));
      } catch (TableFilter.InvalidRuleException e) {
        throw new SinkConfigException(CdcError.FILTER_RULE_INVALID,
            "filter rule is invalid " + s.matcher() + ": " + e.getMessage(), e);
      }
    }
    this.rules = List.copyOf(rs);
  }

  /** No selectors: every row passes unchanged. */
  public static ColumnSelector none() {
    return new ColumnSelector(List.of(), false);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Column patterns are a table filter over one fixed schema name; dots in names are escaped. */
  private static TableFilter columnFilter(List<String> columns) {
    List<String> rules = new ArrayList<>();
    for (String c : columns) {
      boolean negate = c.startsWith("!");
      String pattern = (negate ? c.substring(1) : c).replace(".", "\\.");
      rules.add((negate ? "!" : "") + "c." + pattern);
    }
    return TableFilter.parse(rules, false);
  }

  /** Whether a column of a matched table is kept. */
  public boolean keeps(String schema, String table, String column) {
    for (Rule r : rules) {
      if (r.tables.match(schema, table)) {
        return r.columns.match("c", column);
      }
    }
    return true;
  }

  /** The row with only the selected columns (the same row when no selector matches its table). */
  public RowEvent apply(RowEvent row) {
    if (rules.isEmpty()) {
      return row;
    }
    TableInfo t = row.table();
    Projection p = projections.computeIfAbsent(new VersionKey(t.tableId(), t.version()), k -> project(t));
    if (p.kept == null) {
      return row;
    }
    return row.with(p.table, pick(row.columns(), p.kept), pick(row.preColumns(), p.kept));
  }

  private Projection project(TableInfo t) {
    Rule rule = null;
    for (Rule r : rules) {
      if (r.tables.match(t.schemaName(), t.tableName())) {
        rule = r;
        break;
      }
    }
    if (rule == null) {
      return new Projection(t, null);
    }
    List<Integer> kept = new ArrayList<>();
    List<ColumnDef> cols = new ArrayList<>();
    for (int i = 0; i < t.columnCount(); i++) {
      if (rule.columns.match("c", t.column(i).getName())) {
        kept.add(i);
        cols.add(t.column(i));
      }
    }
    verify(t, cols);
    TableSchema narrowed = TableSchema.newBuilder(t.schema()).setColumns(cols).build();
    return new Projection(new TableInfo(narrowed), kept.stream().mapToInt(Integer::intValue).toArray());
  }

  /** TiCDC's {@code verifyIndices}: the primary key or some unique key must be kept entirely. */
  private static void verify(TableInfo t, List<ColumnDef> kept) {
    List<String> names = kept.stream().map(c -> c.getName().toLowerCase(java.util.Locale.ROOT)).toList();
    boolean keyKept = false;
    for (IndexDef ix : t.schema().getIndexes()) {
      if ((ix.getPrimary() || ix.getUnique())
          && ix.getColumns().stream().allMatch(c -> names.contains(c.toLowerCase(java.util.Locale.ROOT)))) {
        keyKept = true;
        break;
      }
    }
    // an int primary key handle has no index entry; its column carries the handle-key flag
    for (int i = 0; i < t.columnCount() && !keyKept; i++) {
      if (t.isHandleKey(i) && t.isPrimaryKey(i) && names.contains(t.column(i).getName().toLowerCase(java.util.Locale.ROOT))) {
        keyKept = true;
      }
    }
    if (!keyKept) {
      throw new SinkConfigException(COLUMN_SELECTOR_FAILED, "no primary key columns or unique key columns obtained "
          + "after filter out, table: " + t.schemaName() + "." + t.tableName());
    }
  }

  private static List<Object> pick(List<Object> values, int[] kept) {
    if (values == null) {
      return null;
    }
    List<Object> out = new ArrayList<>(kept.length);
    for (int i : kept) {
      out.add(values.get(i));
    }
    return java.util.Collections.unmodifiableList(out);
  }
}
