package io.kcdc.upstream.sql;

import io.kcdc.tidb.schema.CIStr;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.PartitionInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;

/**
 * {@code PARTITION BY RANGE / RANGE COLUMNS / HASH} as TiDB records it in
 * {@code TableInfo.partition}: each partition is a physical table with its own global id, and a
 * row lives under the id of the partition its partitioning expression selects.
 */
public final class Partitioning {
  private static final Pattern CLAUSE = Pattern.compile("(?is)^(.*?\\))\\s*PARTITION\\s+BY\\s+(.*)$");
  private static final Pattern RANGE = Pattern.compile(
      "(?is)^RANGE\\s*(COLUMNS\\s*)?\\((.*?)\\)\\s*\\((.*)\\)\\s*$");
  private static final Pattern RANGE_PART = Pattern.compile(
      "(?is)PARTITION\\s+(`[^`]+`|\\w+)\\s+VALUES\\s+LESS\\s+THAN\\s*(MAXVALUE|\\((.*?)\\))");
  private static final Pattern HASH = Pattern.compile("(?is)^HASH\\s*\\((.*)\\)\\s*PARTITIONS\\s+(\\d+)\\s*$");
  private static final Pattern COMPARE_EXPR = Pattern.compile("(?is)^\\s*MAXVALUE\\s*$");

  private Partitioning() {}

  /** A CREATE TABLE split into the statement JSqlParser reads and its partition clause (or null). */
  public record Split(String createTable, String partitionClause) {}

  public static Split split(String createTable) {
    Matcher m = CLAUSE.matcher(createTable);
    if (m.matches()) {
      return new Split(m.group(1), m.group(2).trim());
    }
    return new Split(createTable, null);
  }

  /** The partition info for {@code clause}; {@code ids} allocates the physical table ids. */
  public static PartitionInfo parse(String clause, TableInfo t, LongSupplier ids) {
    Matcher r = RANGE.matcher(clause);
    if (r.matches()) {
      boolean columns = r.group(1) != null;
      String expr = r.group(2).trim();
      if (columns && expr.contains(",")) {
        throw SqlException.unsupported("RANGE COLUMNS over more than one column");
      }
      checkColumns(t, expr);
      List<PartitionDefinition> defs = new ArrayList<>();
      Matcher p = RANGE_PART.matcher(r.group(3));
      while (p.find()) {
        String bound = p.group(3) != null ? p.group(3).trim() : "MAXVALUE";
        defs.add(new PartitionDefinition(ids.getAsLong(), CIStr.of(Identifiers.unquote(p.group(1))),
            List.of(bound), null, ""));
      }
      if (defs.isEmpty()) {
        throw SqlException.parse("RANGE partitioning needs partition definitions");
      }
      return new PartitionInfo(PartitionInfo.TYPE_RANGE, columns ? "" : expr,
          columns ? List.of(CIStr.of(Identifiers.unquote(expr))) : null, true, false, defs,
          null, null, null, 0);
    }
    Matcher h = HASH.matcher(clause);
    if (h.matches()) {
      String expr = h.group(1).trim();
      checkColumns(t, expr);
      int n = Integer.parseInt(h.group(2));
      if (n < 1 || n > 8192) {
        throw SqlException.parse("PARTITIONS " + n);
      }
      List<PartitionDefinition> defs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        defs.add(new PartitionDefinition(ids.getAsLong(), CIStr.of("p" + i), null, null, ""));
      }
      return new PartitionInfo(PartitionInfo.TYPE_HASH, expr, null, true, false, defs, null, null, null, n);
    }
    throw SqlException.unsupported("PARTITION BY " + clause);
  }

  /** The same partitioning with fresh physical ids (TRUNCATE TABLE). */
  public static PartitionInfo renumber(PartitionInfo p, LongSupplier ids) {
    List<PartitionDefinition> defs = p.definitions().stream()
        .map(d -> new PartitionDefinition(ids.getAsLong(), d.name(), d.lessThan(), d.inValues(), d.comment()))
        .toList();
    return new PartitionInfo(p.type(), p.expr(), p.columns(), p.enable(), p.emptyColumns(), defs,
        p.addingDefinitions(), p.droppingDefinitions(), p.newPartitionIds(), p.num());
  }

  /** The ids rows of {@code t} are keyed by: the partitions' ids, else the table id. */
  public static List<Long> physicalIds(TableInfo t) {
    if (t.partition() == null || !t.partition().enable()) {
      return List.of(t.id());
    }
    return t.partition().definitions().stream().map(PartitionDefinition::id).toList();
  }

  /** The physical id of the row {@code values}. */
  public static long physicalId(TableInfo t, Object[] values) {
    PartitionInfo p = t.partition();
    if (p == null || !p.enable()) {
      return t.id();
    }
    String exprText = p.columns() != null && !p.columns().isEmpty() ? p.columns().get(0).o() : p.expr();
    EvalContext row = new RowScope(NO_SESSION, t, null).at(values);
    Object v = ExpressionEvaluator.eval(parse(exprText), row);
    if (p.type() == PartitionInfo.TYPE_HASH) {
      // As TiDB: NULL hashes to partition 0; a negative remainder is made positive.
      long n = v == null ? 0 : SqlValues.toDecimal(v).longValue() % p.num();
      return p.definitions().get((int) Math.abs(n)).id();
    }
    for (PartitionDefinition d : p.definitions()) {
      String bound = d.lessThan().get(0);
      if (COMPARE_EXPR.matcher(bound).matches()) {
        return d.id();
      }
      // NULL sorts below every bound, so it goes to the first partition.
      Object limit = ExpressionEvaluator.eval(parse(bound), row);
      if (v == null || compare(v, limit) < 0) {
        return d.id();
      }
    }
    throw new SqlException(1526, "HY000", "Table has no partition for value " + SqlValues.toText(v));
  }

  private static int compare(Object a, Object b) {
    if (a instanceof Number || b instanceof Number) {
      BigDecimal x = SqlValues.toDecimal(a);
      BigDecimal y = SqlValues.toDecimal(b);
      return x.compareTo(y);
    }
    return SqlValues.toText(a).compareTo(SqlValues.toText(b));
  }

  private static void checkColumns(TableInfo t, String expr) {
    Expression e = parse(expr);
    // Evaluating against an all-NULL row fails on unknown columns.
    ExpressionEvaluator.eval(e, new RowScope(NO_SESSION, t, null).at(new Object[t.columns().size()]));
  }

  private static Expression parse(String expr) {
    try {
      return CCJSqlParserUtil.parseExpression(expr);
    } catch (JSQLParserException e) {
      throw SqlException.parse("partition expression " + expr.toLowerCase(Locale.ROOT));
    }
  }

  private static final EvalContext NO_SESSION = new EvalContext() {
    @Override
    public Object column(String table, String name) {
      throw SqlException.unknownColumn(name);
    }

    @Override
    public Object variable(String name, boolean system) {
      throw SqlException.unsupported("variables in partition expressions");
    }

    @Override
    public String currentDatabase() {
      return "";
    }
  };
}
