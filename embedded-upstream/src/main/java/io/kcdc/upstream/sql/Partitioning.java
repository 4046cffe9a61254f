package io.kcdc.upstream.sql;

import io.kcdc.tidb.schema.CIStr;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.PartitionInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;

/**
 * {@code PARTITION BY RANGE / RANGE COLUMNS / HASH / LIST / LIST COLUMNS / KEY} as TiDB records it
 * in {@code TableInfo.partition}: each partition is a physical table with its own global id, and a
 * row lives under the id of the partition its partitioning expression selects. KEY partitioning
 * uses TiDB's hash (CRC32 of the columns' string forms), not MySQL's.
 */
public final class Partitioning {
  private static final Pattern CLAUSE = Pattern.compile("(?is)^(.*?\\))\\s*PARTITION\\s+BY\\s+(.*)$");
  private static final Pattern RANGE = Pattern.compile(
      "(?is)^RANGE\\s*(COLUMNS\\s*)?\\((.*?)\\)\\s*\\((.*)\\)\\s*$");
  private static final Pattern RANGE_PART = Pattern.compile(
      "(?is)PARTITION\\s+(`[^`]+`|\\w+)\\s+VALUES\\s+LESS\\s+THAN\\s*(MAXVALUE|\\((.*?)\\))");
  private static final Pattern HASH = Pattern.compile("(?is)^HASH\\s*\\((.*)\\)\\s*PARTITIONS\\s+(\\d+)\\s*$");
  private static final Pattern LIST = Pattern.compile("(?is)^LIST\\s*(COLUMNS\\s*)?\\((.*?)\\)\\s*\\((.*)\\)\\s*$");
  private static final Pattern LIST_PART = Pattern.compile("(?is)PARTITION\\s+(`[^`]+`|\\w+)\\s+VALUES\\s+IN\\s*\\(");
  private static final Pattern KEY = Pattern.compile(
      "(?is)^(?:LINEAR\\s+)?KEY\\s*(?:ALGORITHM\\s*=\\s*\\d+\\s*)?\\((.*?)\\)\\s*(?:PARTITIONS\\s+(\\d+))?\\s*$");
  private static final String DEFAULT = "DEFAULT";
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
    Matcher l = LIST.matcher(clause);
    if (l.matches()) {
      boolean columns = l.group(1) != null;
      String expr = l.group(2).trim();
      List<CIStr> cols = null;
      if (columns) {
        cols = new ArrayList<>();
        for (String c : splitTopLevel(expr)) {
          ColumnInfo col = column(t, Identifiers.unquote(c.trim()));
          cols.add(col.name());
        }
      } else {
        checkColumns(t, expr);
      }
      PartitionInfo p = new PartitionInfo(PartitionInfo.TYPE_LIST, columns ? "" : expr, cols, true, false,
          listDefinitions(l.group(3), cols == null ? 1 : cols.size(), ids), null, null, null, 0);
      if (p.definitions().isEmpty()) {
        throw new SqlException(1492, "HY000", "For LIST partitions each partition must be defined");
      }
      checkListValues(p.definitions());
      return p;
    }
    Matcher k = KEY.matcher(clause);
    if (k.matches()) {
      List<CIStr> cols = new ArrayList<>();
      for (String c : splitTopLevel(k.group(1))) {
        if (!c.isBlank()) {
          cols.add(column(t, Identifiers.unquote(c.trim())).name());
        }
      }
      boolean empty = cols.isEmpty();
      if (empty) {
        // KEY() partitions by the primary key, as TiDB records it.
        if (t.pkIsHandle()) {
          cols.add(t.pkHandleColumn().orElseThrow().name());
        } else {
          t.primaryIndex().ifPresent(ix -> ix.columns().forEach(ic -> cols.add(t.columns().get(ic.offset()).name())));
        }
        if (cols.isEmpty()) {
          throw new SqlException(1488, "HY000", "Field in list of fields for partition function not found in table");
        }
      }
      int n = k.group(2) == null ? 1 : Integer.parseInt(k.group(2));
      if (n < 1 || n > 8192) {
        throw SqlException.parse("PARTITIONS " + n);
      }
      List<PartitionDefinition> defs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        defs.add(new PartitionDefinition(ids.getAsLong(), CIStr.of("p" + i), null, null, ""));
      }
      return new PartitionInfo(PartitionInfo.TYPE_KEY, "", cols, true, empty, defs, null, null, null, n);
    }
    throw SqlException.unsupported("PARTITION BY " + clause);
  }

  /**
   * The partitions of an {@code ALTER TABLE ... ADD PARTITION (...)} list for a RANGE or LIST
   * table {@code t}, with new ids; checked against the existing ones as TiDB checks them.
   */
  public static List<PartitionDefinition> added(String definitions, TableInfo t, LongSupplier ids) {
    PartitionInfo p = t.partition();
    List<PartitionDefinition> defs;
    if (p.type() == PartitionInfo.TYPE_RANGE) {
      defs = new ArrayList<>();
      Matcher m = RANGE_PART.matcher(definitions);
      while (m.find()) {
        String bound = m.group(3) != null ? m.group(3).trim() : "MAXVALUE";
        defs.add(new PartitionDefinition(ids.getAsLong(), CIStr.of(Identifiers.unquote(m.group(1))),
            List.of(bound), null, ""));
      }
      String last = p.definitions().get(p.definitions().size() - 1).lessThan().get(0);
      if (COMPARE_EXPR.matcher(last).matches()) {
        throw new SqlException(1481, "HY000", "MAXVALUE can only be used in last partition definition");
      }
      EvalContext none = new RowScope(NO_SESSION, t, null).at(new Object[t.columns().size()]);
      Object prev = ExpressionEvaluator.eval(parse(last), none);
      for (PartitionDefinition d : defs) {
        String bound = d.lessThan().get(0);
        if (!COMPARE_EXPR.matcher(bound).matches()) {
          Object v = ExpressionEvaluator.eval(parse(bound), none);
          if (prev == null || compare(v, prev) <= 0) {
            throw new SqlException(1493, "HY000",
                "VALUES LESS THAN value must be strictly increasing for each partition");
          }
          prev = v;
        } else {
          prev = null;
        }
      }
    } else if (p.type() == PartitionInfo.TYPE_LIST) {
      if (p.definitions().stream().anyMatch(Partitioning::isDefault)) {
        throw SqlException.unsupported("ADD PARTITION to a LIST partitioned table with a DEFAULT partition");
      }
      defs = listDefinitions(definitions, p.columns() == null || p.columns().isEmpty() ? 1 : p.columns().size(), ids);
      List<PartitionDefinition> all = new ArrayList<>(p.definitions());
      all.addAll(defs);
      checkListValues(all);
    } else {
      throw SqlException.unsupported("ADD PARTITION to a " + typeName(p.type()) + " partitioned table");
    }
    if (defs.isEmpty()) {
      throw SqlException.parse("ADD PARTITION needs partition definitions");
    }
    Set<String> names = new HashSet<>();
    p.definitions().forEach(d -> names.add(d.name().l()));
    for (PartitionDefinition d : defs) {
      if (!names.add(d.name().l())) {
        throw new SqlException(1517, "HY000", "Duplicate partition name " + d.name().o());
      }
    }
    return defs;
  }

  /**
   * {@code t} after {@code ALTER TABLE ... DROP PARTITION names} (RANGE and LIST only): the
   * partitions leave the definitions; their rows stay under their old ids, unread, until GC.
   */
  public static TableInfo dropped(TableInfo t, List<String> names) {
    PartitionInfo p = requirePartitioned(t);
    if (p.type() != PartitionInfo.TYPE_RANGE && p.type() != PartitionInfo.TYPE_LIST) {
      throw new SqlException(1512, "HY000", "DROP PARTITION can only be used on RANGE/LIST partitions");
    }
    Set<String> drop = new HashSet<>();
    for (String n : names) {
      String l = n.toLowerCase(Locale.ROOT);
      if (p.definitions().stream().noneMatch(d -> d.name().l().equals(l))) {
        throw new SqlException(1507, "HY000", "Error in list of partitions to DROP");
      }
      drop.add(l);
    }
    List<PartitionDefinition> kept = p.definitions().stream().filter(d -> !drop.contains(d.name().l())).toList();
    if (kept.isEmpty()) {
      throw new SqlException(1508, "HY000", "Cannot remove all partitions, use DROP TABLE instead");
    }
    return t.toBuilder().partition(withDefinitions(p, kept)).build();
  }

  /**
   * {@code t} after {@code ALTER TABLE ... TRUNCATE PARTITION names} (empty: ALL): each named
   * partition gets a new physical id, so a new, empty key range.
   */
  public static TableInfo truncated(TableInfo t, List<String> names, LongSupplier ids) {
    PartitionInfo p = requirePartitioned(t);
    Set<String> wanted = new HashSet<>();
    for (String n : names) {
      String l = n.toLowerCase(Locale.ROOT);
      if (p.definitions().stream().noneMatch(d -> d.name().l().equals(l))) {
        throw new SqlException(1735, "HY000", "Unknown partition '" + n + "' in table '" + t.name().o() + "'");
      }
      wanted.add(l);
    }
    List<PartitionDefinition> defs = p.definitions().stream()
        .map(d -> names.isEmpty() || wanted.contains(d.name().l())
            ? new PartitionDefinition(ids.getAsLong(), d.name(), d.lessThan(), d.inValues(), d.comment())
            : d)
        .toList();
    return t.toBuilder().partition(withDefinitions(p, defs)).build();
  }

  /** {@code t} after {@code ALTER TABLE ... ADD PARTITION (definitions)}. */
  public static TableInfo withAdded(TableInfo t, String definitions, LongSupplier ids) {
    PartitionInfo p = requirePartitioned(t);
    List<PartitionDefinition> all = new ArrayList<>(p.definitions());
    all.addAll(added(definitions, t, ids));
    return t.toBuilder().partition(withDefinitions(p, all)).build();
  }

  private static PartitionInfo requirePartitioned(TableInfo t) {
    if (t.partition() == null || !t.partition().enable()) {
      throw new SqlException(1505, "HY000", "Partition management on a not partitioned table is not possible");
    }
    return t.partition();
  }

  /** {@code p} with other definitions. */
  public static PartitionInfo withDefinitions(PartitionInfo p, List<PartitionDefinition> defs) {
    return new PartitionInfo(p.type(), p.expr(), p.columns(), p.enable(), p.emptyColumns(), defs,
        p.addingDefinitions(), p.droppingDefinitions(), p.newPartitionIds(), p.num());
  }

  static String typeName(int type) {
    return switch (type) {
      case PartitionInfo.TYPE_RANGE -> "RANGE";
      case PartitionInfo.TYPE_HASH -> "HASH";
      case PartitionInfo.TYPE_LIST -> "LIST";
      case PartitionInfo.TYPE_KEY -> "KEY";
      default -> "SYSTEM_TIME";
    };
  }

  private static List<PartitionDefinition> listDefinitions(String body, int width, LongSupplier ids) {
    List<PartitionDefinition> defs = new ArrayList<>();
    Matcher p = LIST_PART.matcher(body);
    int from = 0;
    while (p.find(from)) {
      int open = p.end() - 1;
      int close = closing(body, open);
      List<List<String>> values = new ArrayList<>();
      for (String item : splitTopLevel(body.substring(open + 1, close))) {
        String v = item.trim();
        if (v.equalsIgnoreCase(DEFAULT)) {
          values.add(List.of(DEFAULT));
          continue;
        }
        List<String> tuple = new ArrayList<>();
        if (v.startsWith("(") && closing(v, 0) == v.length() - 1) {
          splitTopLevel(v.substring(1, v.length() - 1)).forEach(x -> tuple.add(x.trim()));
        } else {
          tuple.add(v);
        }
        if (tuple.size() != width) {
          throw new SqlException(1653, "HY000", "Inconsistency in usage of column lists for partitioning");
        }
        values.add(tuple);
      }
      defs.add(new PartitionDefinition(ids.getAsLong(), CIStr.of(Identifiers.unquote(p.group(1))), null, values, ""));
      from = close + 1;
    }
    return defs;
  }

  /** No value (tuple) in two places, at most one DEFAULT partition (TiDB's checkListPartitionValue). */
  private static void checkListValues(List<PartitionDefinition> defs) {
    Set<String> seen = new HashSet<>();
    EvalContext none = EvalContext.noRow(NO_SESSION);
    for (PartitionDefinition d : defs) {
      for (List<String> tuple : d.inValues()) {
        StringBuilder key = new StringBuilder();
        for (String v : tuple) {
          Object x = v.equalsIgnoreCase(DEFAULT) ? DEFAULT : ExpressionEvaluator.eval(parse(v), none);
          key.append(x == null ? "NULL" : x instanceof Number ? SqlValues.toDecimal(x).stripTrailingZeros().toPlainString()
              : "'" + SqlValues.toText(x)).append('\u0000');
        }
        if (!seen.add(key.toString())) {
          throw new SqlException(1495, "HY000", "Multiple definition of same constant in list partitioning");
        }
      }
    }
  }

  private static boolean isDefault(PartitionDefinition d) {
    return d.inValues() != null && d.inValues().stream()
        .anyMatch(t -> t.size() == 1 && t.get(0).equalsIgnoreCase(DEFAULT));
  }

  private static ColumnInfo column(TableInfo t, String name) {
    return t.columnByName(name).orElseThrow(() -> new SqlException(1054, "42S22",
        "Unknown column '" + name + "' in 'partition function'"));
  }

  /** The index of the parenthesis closing the one at {@code open}, skipping quoted text. */
  private static int closing(String s, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw SqlException.parse("unbalanced parentheses near '" + s.substring(open) + "'");
  }

  /** Splits at the commas outside parentheses and quotes (a VALUES list, a partition list). */
  static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
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
    if (p.type() == PartitionInfo.TYPE_KEY) {
      return p.definitions().get(keyPartition(t, p, values)).id();
    }
    EvalContext row = new RowScope(NO_SESSION, t, null).at(values);
    if (p.type() == PartitionInfo.TYPE_LIST) {
      return listPartition(t, p, row).id();
    }
    String exprText = p.columns() != null && !p.columns().isEmpty() ? p.columns().get(0).o() : p.expr();
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

  /**
   * TiDB's {@code LocateKeyPartition}: CRC32 (IEEE) over each column's string form (its collation
   * key: trailing spaces dropped for PAD SPACE collations; a NULL is one zero byte), modulo the
   * partition count. Case-insensitive collations are hashed by their text, not their weights.
   */
  static int keyPartition(TableInfo t, PartitionInfo p, Object[] values) {
    CRC32 crc = new CRC32();
    for (CIStr name : p.columns()) {
      ColumnInfo c = column(t, name.o());
      Object v = values[c.offset()];
      if (v == null) {
        crc.update(0);
        continue;
      }
      byte[] bytes;
      if (v instanceof byte[] b) {
        bytes = b;
      } else {
        bytes = ColumnValues.toText(v, c.type()).getBytes(StandardCharsets.UTF_8);
      }
      String collate = c.type().collate();
      if (collate != null && !collate.isEmpty() && !collate.equals("binary")
          && (io.kcdc.tidb.MysqlType.isString(c.type().tp()) || v instanceof byte[])) {
        int n = bytes.length;
        while (n > 0 && bytes[n - 1] == ' ') {
          n--;
        }
        bytes = java.util.Arrays.copyOf(bytes, n);
      }
      crc.update(bytes);
    }
    return (int) (crc.getValue() % p.num());
  }

  /** The LIST partition holding the row's value (tuple), else the DEFAULT partition, else error 1526. */
  private static PartitionDefinition listPartition(TableInfo t, PartitionInfo p, EvalContext row) {
    List<Object> key = new ArrayList<>();
    List<String> collations = new ArrayList<>();
    if (p.columns() != null && !p.columns().isEmpty()) {
      for (CIStr c : p.columns()) {
        key.add(row.column(null, c.o()));
        collations.add(column(t, c.o()).type().collate());
      }
    } else {
      key.add(ExpressionEvaluator.eval(parse(p.expr()), row));
      collations.add("binary");
    }
    EvalContext none = EvalContext.noRow(NO_SESSION);
    PartitionDefinition fallback = null;
    for (PartitionDefinition d : p.definitions()) {
      for (List<String> tuple : d.inValues()) {
        if (tuple.size() == 1 && tuple.get(0).equalsIgnoreCase(DEFAULT)) {
          fallback = d;
          continue;
        }
        boolean match = true;
        for (int i = 0; i < key.size() && match; i++) {
          match = listEquals(key.get(i), ExpressionEvaluator.eval(parse(tuple.get(i)), none), collations.get(i));
        }
        if (match) {
          return d;
        }
      }
    }
    if (fallback != null) {
      return fallback;
    }
    throw new SqlException(1526, "HY000", "Table has no partition for value "
        + (key.size() == 1 ? String.valueOf(SqlValues.toText(key.get(0))) : "from column_list"));
  }

  private static boolean listEquals(Object a, Object b, String collate) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    if (a instanceof Number || b instanceof Number) {
      return compare(a, b) == 0;
    }
    String x = SqlValues.toText(a);
    String y = SqlValues.toText(b);
    if (collate != null && !collate.equals("binary")) {
      x = x.replaceFirst(" +$", "");
      y = y.replaceFirst(" +$", "");
    }
    return collate != null && collate.endsWith("_ci") ? x.equalsIgnoreCase(y) : x.equals(y);
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
