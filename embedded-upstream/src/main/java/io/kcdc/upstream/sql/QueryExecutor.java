package io.kcdc.upstream.sql;

import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.Snapshot;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * SELECT over one table (or none): projection of columns and expressions, WHERE, ORDER BY,
 * LIMIT/OFFSET, and aggregate-only queries (COUNT, SUM, MIN, MAX without GROUP BY).
 */
final class QueryExecutor {
  private QueryExecutor() {}

  /** SELECT without FROM: one row of evaluated expressions. */
  static QueryResult.Rows selectNoTable(PlainSelect ps, EvalContext session) {
    EvalContext noRow = EvalContext.noRow(session);
    List<ResultColumn> cols = new ArrayList<>();
    List<String> row = new ArrayList<>();
    for (SelectItem<?> item : ps.getSelectItems()) {
      Object v = ExpressionEvaluator.eval(item.getExpression(), noRow);
      String name = label(item);
      cols.add(v instanceof Long || v instanceof BigDecimal ? ResultColumn.bigint(name) : ResultColumn.text(name));
      row.add(SqlValues.toText(v));
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(row);
    if (ps.getLimit() != null && ps.getLimit().getRowCount() != null) {
      long n = (Long) SqlValues.toNumber(ExpressionEvaluator.eval(ps.getLimit().getRowCount(), noRow));
      if (n == 0) {
        rows.clear();
      }
    }
    return new QueryResult.Rows(cols, rows);
  }

  static QueryResult.Rows select(PlainSelect ps, Snapshot snap, String schema, TableInfo t, EvalContext session) {
    if (ps.getJoins() != null && !ps.getJoins().isEmpty()) {
      throw SqlException.unsupported("joins");
    }
    if (ps.getGroupBy() != null) {
      throw SqlException.unsupported("GROUP BY");
    }
    Table from = (Table) ps.getFromItem();
    String alias = from.getAlias() == null ? null : from.getAlias().getName();
    RowScope scope = new RowScope(session, t, alias);
    List<TableStore.StoredRow> rows = DmlExecutor.filter(
        TableStore.candidates(snap, t, ps.getWhere(), session), ps.getWhere(), scope);

    boolean aggregate = ps.getSelectItems().stream().anyMatch(i -> isAggregate(i.getExpression()));
    if (aggregate) {
      return aggregate(ps, rows, scope);
    }

    List<Projection> projections = new ArrayList<>();
    for (SelectItem<?> item : ps.getSelectItems()) {
      Expression e = item.getExpression();
      if (e instanceof AllColumns || e instanceof AllTableColumns) {
        for (ColumnInfo c : t.columns()) {
          projections.add(new Projection(columnRef(c), resultColumn(schema, t, c, c.name().o()), c));
        }
      } else if (e instanceof Column col) {
        ColumnInfo c = t.columnByName(Identifiers.unquote(col.getColumnName())).orElse(null);
        if (c == null) {
          projections.add(new Projection(e, ResultColumn.text(label(item)), null));
        } else {
          projections.add(new Projection(e, resultColumn(schema, t, c, label(item)), c));
        }
      } else {
        projections.add(new Projection(e, null, null));
      }
    }

    List<OrderByElement> order = ps.getOrderByElements();
    if (order != null && !order.isEmpty()) {
      Comparator<TableStore.StoredRow> cmp = null;
      for (OrderByElement ob : order) {
        Expression key = ob.getExpression();
        if (key instanceof LongValue pos) {
          key = projections.get((int) pos.getValue() - 1).expr();
        } else if (key instanceof Column c && c.getTable() == null) {
          key = aliasTarget(ps, Identifiers.unquote(c.getColumnName()), key);
        }
        Expression k = key;
        Comparator<TableStore.StoredRow> one = (a, b) -> {
          Object va = ExpressionEvaluator.eval(k, scope.at(a.values()));
          Object vb = ExpressionEvaluator.eval(k, scope.at(b.values()));
          // NULLs sort first in ascending order, as in MySQL.
          if (va == null || vb == null) {
            return va == null ? (vb == null ? 0 : -1) : 1;
          }
          return SqlValues.compare(va, vb);
        };
        if (!ob.isAsc()) {
          one = one.reversed();
        }
        cmp = cmp == null ? one : cmp.thenComparing(one);
      }
      rows = new ArrayList<>(rows);
      rows.sort(cmp);
    }
    rows = limit(ps, rows, session);

    List<ResultColumn> columns = new ArrayList<>();
    List<List<String>> out = new ArrayList<>();
    for (TableStore.StoredRow r : rows) {
      List<String> line = new ArrayList<>();
      for (Projection p : projections) {
        if (p.column() != null && p.expr() instanceof Column) {
          line.add(ColumnValues.toText(r.values()[p.column().offset()], p.column().type()));
        } else {
          line.add(SqlValues.toText(ExpressionEvaluator.eval(p.expr(), scope.at(r.values()))));
        }
      }
      out.add(line);
    }
    int i = 0;
    for (SelectItem<?> item : ps.getSelectItems()) {
      Expression e = item.getExpression();
      if (e instanceof AllColumns || e instanceof AllTableColumns) {
        for (int j = 0; j < t.columns().size(); j++) {
          columns.add(projections.get(i++).result());
        }
      } else {
        Projection p = projections.get(i++);
        columns.add(p.result() != null ? p.result() : inferred(label(item), out, columns.size()));
      }
    }
    return new QueryResult.Rows(columns, out);
  }

  private static Expression aliasTarget(PlainSelect ps, String name, Expression fallback) {
    for (SelectItem<?> item : ps.getSelectItems()) {
      if (item.getAlias() != null && Identifiers.unquote(item.getAlias().getName()).equalsIgnoreCase(name)) {
        return item.getExpression();
      }
    }
    return fallback;
  }

  private static List<TableStore.StoredRow> limit(PlainSelect ps, List<TableStore.StoredRow> rows, EvalContext session) {
    long offset = 0;
    long count = Long.MAX_VALUE;
    EvalContext noRow = EvalContext.noRow(session);
    if (ps.getLimit() != null) {
      if (ps.getLimit().getOffset() != null) {
        offset = (Long) SqlValues.toNumber(ExpressionEvaluator.eval(ps.getLimit().getOffset(), noRow));
      }
      if (ps.getLimit().getRowCount() != null) {
        count = (Long) SqlValues.toNumber(ExpressionEvaluator.eval(ps.getLimit().getRowCount(), noRow));
      }
    }
    if (ps.getOffset() != null) {
      offset = (Long) SqlValues.toNumber(ExpressionEvaluator.eval(ps.getOffset().getOffset(), noRow));
    }
    int from = (int) Math.min(offset, rows.size());
    int to = (int) Math.min(rows.size(), from + Math.min(count, Integer.MAX_VALUE));
    return rows.subList(from, to);
  }

  private static QueryResult.Rows aggregate(PlainSelect ps, List<TableStore.StoredRow> rows, RowScope scope) {
    List<ResultColumn> cols = new ArrayList<>();
    List<String> line = new ArrayList<>();
    for (SelectItem<?> item : ps.getSelectItems()) {
      if (!(item.getExpression() instanceof Function f) || !isAggregate(f)) {
        throw SqlException.unsupported("mixing aggregates and columns without GROUP BY");
      }
      String name = f.getName().toUpperCase(Locale.ROOT);
      Expression arg = f.isAllColumns() || f.getParameters() == null || f.getParameters().isEmpty()
          || f.getParameters().get(0) instanceof AllColumns
          ? null : (Expression) f.getParameters().get(0);
      Object result = null;
      long count = 0;
      for (TableStore.StoredRow r : rows) {
        Object v = arg == null ? 1L : ExpressionEvaluator.eval(arg, scope.at(r.values()));
        if (v == null) {
          continue;
        }
        count++;
        result = switch (name) {
          case "SUM" -> result == null ? SqlValues.toNumber(v) : SqlValues.add(result, v);
          case "MIN" -> result == null || SqlValues.compare(v, result) < 0 ? v : result;
          case "MAX" -> result == null || SqlValues.compare(v, result) > 0 ? v : result;
          default -> null;
        };
      }
      if (name.equals("COUNT")) {
        cols.add(ResultColumn.bigint(label(item)));
        line.add(Long.toString(count));
      } else {
        cols.add(result instanceof Long ? ResultColumn.bigint(label(item)) : ResultColumn.text(label(item)));
        line.add(SqlValues.toText(result));
      }
    }
    List<List<String>> out = new ArrayList<>();
    out.add(line);
    return new QueryResult.Rows(cols, out);
  }

  private static boolean isAggregate(Expression e) {
    if (!(e instanceof Function f)) {
      return false;
    }
    String n = f.getName().toUpperCase(Locale.ROOT);
    return n.equals("COUNT") || n.equals("SUM") || n.equals("MIN") || n.equals("MAX");
  }

  private static ResultColumn inferred(String name, List<List<String>> rows, int index) {
    for (List<String> r : rows) {
      String v = r.get(index);
      if (v != null) {
        return v.matches("-?\\d+") ? ResultColumn.bigint(name) : ResultColumn.text(name);
      }
    }
    return ResultColumn.text(name);
  }

  static String label(SelectItem<?> item) {
    if (item.getAlias() != null) {
      return Identifiers.unquote(item.getAlias().getName());
    }
    Expression e = item.getExpression();
    if (e instanceof Column c) {
      return Identifiers.unquote(c.getColumnName());
    }
    return e.toString();
  }

  private static Column columnRef(ColumnInfo c) {
    return new Column(c.name().o());
  }

  private static final int STRING_TYPE = 0xfe;
  private static final int ENUM_FLAG = 256;
  private static final int SET_FLAG = 2048;

  static ResultColumn resultColumn(String schema, TableInfo t, ColumnInfo c, String label) {
    FieldType ft = c.type();
    int flags = ft.flag() & (MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.UNIQUE_KEY
        | MysqlFlag.MULTIPLE_KEY | MysqlFlag.UNSIGNED | MysqlFlag.ZEROFILL | MysqlFlag.BINARY
        | MysqlFlag.AUTO_INCREMENT);
    int tp = ft.tp();
    boolean enumOrSet = tp == io.kcdc.tidb.MysqlType.TYPE_ENUM || tp == io.kcdc.tidb.MysqlType.TYPE_SET;
    boolean text = (io.kcdc.tidb.MysqlType.isString(tp) || enumOrSet) && !ft.binaryCharset();
    long length = ft.flen() < 0 ? 0xFFFFFFFFL : (text ? (long) ft.flen() * 4 : ft.flen());
    if (enumOrSet) {
      // As MySQL: ENUM and SET go on the wire as STRING with the ENUM/SET column flag.
      flags |= tp == io.kcdc.tidb.MysqlType.TYPE_ENUM ? ENUM_FLAG : SET_FLAG;
      tp = STRING_TYPE;
      length = 4L * ft.elems().stream().mapToInt(String::length).sum() + 4L * ft.elems().size();
    }
    int decimals = ft.decimal() < 0 ? 31 : ft.decimal();
    return new ResultColumn(schema, t.name().o(), label, tp, flags, length, decimals,
        text ? ResultColumn.UTF8MB4_BIN : ResultColumn.BINARY);
  }

  private record Projection(Expression expr, ResultColumn result, ColumnInfo column) {}
}
