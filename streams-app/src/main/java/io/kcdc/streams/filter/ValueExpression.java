package io.kcdc.streams.filter;

import static io.kcdc.common.errors.CdcError.EXPRESSION_COLUMN_NOT_FOUND;
import static io.kcdc.common.errors.CdcError.INVALID_FILTER_EXPRESSION;

import io.kcdc.streams.filter.SqlValues.Arith;
import io.kcdc.streams.filter.SqlValues.Enumerated;
import io.kcdc.streams.filter.SqlValues.Text;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.sink.SinkConfigException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.IntegerDivision;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.CosineSimilarity;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.PlainSelect;

/**
 * One {@code ignore_*_value_expr} of {@code filter.event_filters} (TiCDC's expression filter): a SQL boolean
 * expression, written as the {@code WHERE} condition of {@code SELECT * FROM t}, evaluated on one row image with
 * TiDB's semantics. A row is ignored only when the expression's value is the integer 1: NULL (and any other value)
 * keeps the row, as TiCDC's {@code d.GetInt64() == 1} does.
 *
 * <p>Parsed once by JSqlParser into a small tree ({@link #parse}); bound to one version of a table's schema
 * ({@link #bind}), which resolves column names case-insensitively. Supported: comparisons ({@code = <> != < <= > >=
 * <=>}), {@code AND OR XOR NOT &&  || !}, {@code [NOT] IN (...)}, {@code [NOT] BETWEEN}, {@code IS [NOT] NULL},
 * {@code IS [NOT] TRUE|FALSE}, {@code [NOT] LIKE ... [ESCAPE ...]}, {@code + - * / DIV %}, unary minus, parentheses,
 * string literals (single or double quotes, MySQL escapes), numbers, {@code TRUE FALSE NULL} and column references.
 * Anything else (functions, subqueries, CASE, CAST, bit and hex literals, ...) is rejected with
 * {@code CDC:ErrInvalidFilterExpression} when the changefeed starts, never silently taken as false.
 */
public final class ValueExpression {
  private final String text;
  private final Node root;

  private ValueExpression(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  /** The expression as the user wrote it. */
  public String text() {
    return text;
  }

  /**
   * Parses {@code text} ({@code select * from t where <text>}).
   *
   * @throws SinkConfigException {@code CDC:ErrInvalidFilterExpression} for a syntax error or a construct this
   *     evaluator does not support
   */
  public static ValueExpression parse(String text) {
    String sql = mysqlOperators(text);
    Statement st;
    try {
      st = CCJSqlParserUtil.parse("SELECT * FROM t WHERE " + sql, p -> p.withBackslashEscapeCharacter(true));
    } catch (JSQLParserException | RuntimeException e) {
      throw syntaxError(text);
    }
    if (!(st instanceof PlainSelect select) || select.getWhere() == null || select.getGroupBy() != null
        || select.getHaving() != null || select.getOrderByElements() != null || select.getLimit() != null) {
      throw syntaxError(text);
    }
    return new ValueExpression(text, new Converter(text).convert(select.getWhere()));
  }

  /**
   * The expression over one table version's columns.
   *
   * @throws SinkConfigException {@code CDC:ErrExpressionColumnNotFound} for a column the table does not have
   */
  public Bound bind(TableInfo table) {
    return new Bound(bindNode(root, table));
  }

  /** The expression bound to a table version: evaluates row images of that version. */
  public final class Bound {
    private final Node root;

    private Bound(Node root) {
      this.root = root;
    }

    /** Whether the row image makes the expression the integer 1 (the row is ignored). */
    public boolean matches(List<Object> values) {
      Object v = eval(values);
      return v instanceof Long l ? l == 1 : v instanceof Enumerated e && e.number() == 1;
    }

    /** The expression's value on the row image (see {@link SqlValues} for the value types). */
    Object eval(List<Object> values) {
      return root.eval(values);
    }
  }

  private static SinkConfigException syntaxError(String text) {
    return new SinkConfigException(INVALID_FILTER_EXPRESSION,
        "invalid filter expressions. There is a syntax error in: '" + text + "'");
  }

  private static SinkConfigException unsupported(String what, String text) {
    return new SinkConfigException(INVALID_FILTER_EXPRESSION,
        "invalid filter expressions. Unsupported " + what + " in: '" + text + "'");
  }

  /**
   * TiDB reads {@code ||} as OR (no PIPES_AS_CONCAT); JSqlParser reads it as concatenation, so it is replaced outside
   * quotes. A {@code ;} outside quotes (a second statement) is a syntax error.
   */
  static String mysqlOperators(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && quote != '`' && i + 1 < text.length()) {
          out.append(text.charAt(++i));
        } else if (c == quote) {
          if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
            out.append(text.charAt(++i));
          } else {
            quote = 0;
          }
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
        out.append(c);
      } else if (c == '|' && i + 1 < text.length() && text.charAt(i + 1) == '|') {
        out.append(" OR ");
        i++;
      } else if (c == ';') {
        throw syntaxError(text);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  // ---- the tree ----

  private interface Node {
    Object eval(List<Object> row);
  }

  private record Literal(Object value) implements Node {
    public Object eval(List<Object> row) {
      return value;
    }
  }

  /** A column reference before binding. */
  private record ColumnName(String table, String name) implements Node {
    public Object eval(List<Object> row) {
      throw new IllegalStateException("unbound column " + name);
    }
  }

  private record BoundColumn(int offset, io.kcdc.avro.ColumnDef def, boolean unsigned, boolean binary) implements Node {
    public Object eval(List<Object> row) {
      return SqlValues.ofColumn(row.get(offset), def, unsigned, binary);
    }
  }

  private record Negate(Node arg) implements Node {
    public Object eval(List<Object> row) {
      return SqlValues.negate(arg.eval(row));
    }
  }

  private record Not(Node arg) implements Node {
    public Object eval(List<Object> row) {
      Boolean t = SqlValues.truth(arg.eval(row));
      return t == null ? null : SqlValues.bool(!t);
    }
  }

  private record Arithmetic(Arith op, Node left, Node right) implements Node {
    public Object eval(List<Object> row) {
      return SqlValues.arithmetic(op, left.eval(row), right.eval(row));
    }
  }

  private enum Logic { AND, OR, XOR }

  private record Logical(Logic op, Node left, Node right) implements Node {
    public Object eval(List<Object> row) {
      Boolean l = SqlValues.truth(left.eval(row));
      if (op == Logic.AND && Boolean.FALSE.equals(l) || op == Logic.OR && Boolean.TRUE.equals(l)) {
        return SqlValues.bool(op == Logic.OR);
      }
      Boolean r = SqlValues.truth(right.eval(row));
      switch (op) {
        case AND:
          return Boolean.FALSE.equals(r) ? SqlValues.FALSE : l == null || r == null ? null : SqlValues.TRUE;
        case OR:
          return Boolean.TRUE.equals(r) ? SqlValues.TRUE : l == null || r == null ? null : SqlValues.FALSE;
        default:
          return l == null || r == null ? null : SqlValues.bool(l ^ r);
      }
    }
  }

  private enum Cmp { EQ, NE, LT, LE, GT, GE, NULL_SAFE_EQ }

  private record Comparison(Cmp op, Node left, Node right) implements Node {
    public Object eval(List<Object> row) {
      Object l = left.eval(row);
      Object r = right.eval(row);
      if (op == Cmp.NULL_SAFE_EQ) {
        return l == null || r == null ? SqlValues.bool(l == r) : SqlValues.bool(SqlValues.compare(l, r) == 0);
      }
      if (l == null || r == null) {
        return null;
      }
      int c = SqlValues.compare(l, r);
      switch (op) {
        case EQ: return SqlValues.bool(c == 0);
        case NE: return SqlValues.bool(c != 0);
        case LT: return SqlValues.bool(c < 0);
        case LE: return SqlValues.bool(c <= 0);
        case GT: return SqlValues.bool(c > 0);
        default: return SqlValues.bool(c >= 0);
      }
    }
  }

  private record In(Node left, List<Node> items, boolean not) implements Node {
    public Object eval(List<Object> row) {
      Object l = left.eval(row);
      if (l == null) {
        return null;
      }
      boolean sawNull = false;
      for (Node item : items) {
        Object v = item.eval(row);
        if (v == null) {
          sawNull = true;
        } else if (SqlValues.compare(l, v) == 0) {
          return SqlValues.bool(!not);
        }
      }
      return sawNull ? null : SqlValues.bool(not);
    }
  }

  private record BetweenNode(Node value, Node low, Node high, boolean not) implements Node {
    public Object eval(List<Object> row) {
      Object v = value.eval(row);
      Object lo = low.eval(row);
      Object hi = high.eval(row);
      Boolean geLow = v == null || lo == null ? null : SqlValues.compare(v, lo) >= 0;
      Boolean leHigh = v == null || hi == null ? null : SqlValues.compare(v, hi) <= 0;
      Boolean in;
      if (Boolean.FALSE.equals(geLow) || Boolean.FALSE.equals(leHigh)) {
        in = false;
      } else if (geLow == null || leHigh == null) {
        in = null;
      } else {
        in = true;
      }
      return in == null ? null : SqlValues.bool(in != not);
    }
  }

  private record IsNull(Node arg, boolean not) implements Node {
    public Object eval(List<Object> row) {
      return SqlValues.bool((arg.eval(row) == null) != not);
    }
  }

  private record IsBool(Node arg, boolean value, boolean not) implements Node {
    public Object eval(List<Object> row) {
      Boolean t = SqlValues.truth(arg.eval(row));
      return SqlValues.bool((t != null && t == value) != not);
    }
  }

  private record Like(Node value, Node pattern, int escape, boolean not) implements Node {
    public Object eval(List<Object> row) {
      Object v = value.eval(row);
      Object p = pattern.eval(row);
      if (v == null || p == null) {
        return null;
      }
      Text t = SqlValues.text(v);
      Text pt = SqlValues.text(p);
      boolean ci = t.collation() == SqlValues.Collation.CI || pt.collation() == SqlValues.Collation.CI;
      String s = ci ? t.value().toUpperCase(Locale.ROOT) : t.value();
      String pat = ci ? pt.value().toUpperCase(Locale.ROOT) : pt.value();
      return SqlValues.bool(LikePattern.matches(s, pat, escape) != not);
    }
  }

  // ---- binding ----

  private Node bindNode(Node n, TableInfo table) {
    if (n instanceof ColumnName c) {
      int offset = table.offsetOf(c.name());
      if (offset < 0 || c.table() != null && !c.table().equalsIgnoreCase(table.tableName())) {
        throw new SinkConfigException(EXPRESSION_COLUMN_NOT_FOUND, "invalid filter expression(s). Cannot find column '"
            + c.name() + "' from table '" + table.schemaName() + "." + table.tableName() + "' in: " + text);
      }
      return new BoundColumn(offset, table.column(offset), table.isUnsigned(offset), table.isBinary(offset));
    }
    if (n instanceof Negate x) {
      return new Negate(bindNode(x.arg(), table));
    }
    if (n instanceof Not x) {
      return new Not(bindNode(x.arg(), table));
    }
    if (n instanceof Arithmetic x) {
      return new Arithmetic(x.op(), bindNode(x.left(), table), bindNode(x.right(), table));
    }
    if (n instanceof Logical x) {
      return new Logical(x.op(), bindNode(x.left(), table), bindNode(x.right(), table));
    }
    if (n instanceof Comparison x) {
      return new Comparison(x.op(), bindNode(x.left(), table), bindNode(x.right(), table));
    }
    if (n instanceof In x) {
      List<Node> items = new ArrayList<>();
      x.items().forEach(i -> items.add(bindNode(i, table)));
      return new In(bindNode(x.left(), table), items, x.not());
    }
    if (n instanceof BetweenNode x) {
      return new BetweenNode(bindNode(x.value(), table), bindNode(x.low(), table), bindNode(x.high(), table), x.not());
    }
    if (n instanceof IsNull x) {
      return new IsNull(bindNode(x.arg(), table), x.not());
    }
    if (n instanceof IsBool x) {
      return new IsBool(bindNode(x.arg(), table), x.value(), x.not());
    }
    if (n instanceof Like x) {
      return new Like(bindNode(x.value(), table), bindNode(x.pattern(), table), x.escape(), x.not());
    }
    return n;
  }

  // ---- JSqlParser tree → Node ----

  private static final class Converter {
    private final String text;

    Converter(String text) {
      this.text = text;
    }

    Node convert(Expression e) {
      if (e instanceof ParenthesedExpressionList<?> p) {
        if (p.size() != 1) {
          throw unsupported("row constructor " + p, text);
        }
        return convert((Expression) p.get(0));
      }
      if (e instanceof NullValue) {
        return new Literal(null);
      }
      if (e instanceof LongValue v) {
        return new Literal(SqlValues.integer(new BigInteger(v.getStringValue())));
      }
      if (e instanceof DoubleValue v) {
        String s = v.toString();
        // MySQL: 1.5 is an exact DECIMAL literal, 1.5e3 a DOUBLE
        return new Literal(s.indexOf('e') >= 0 || s.indexOf('E') >= 0 ? (Object) Double.parseDouble(s) : new BigDecimal(s));
      }
      if (e instanceof BooleanValue v) {
        return new Literal(SqlValues.bool(v.getValue()));
      }
      if (e instanceof StringValue v) {
        String prefix = v.getPrefix();
        if (prefix != null && !prefix.equalsIgnoreCase("N") && !prefix.startsWith("_")) {
          throw unsupported("literal " + v, text);
        }
        return new Literal(Text.literal(unescape(v.getValue(), '\'')));
      }
      if (e instanceof Column c) {
        return column(c);
      }
      if (e instanceof SignedExpression s) {
        if (s.getSign() == '-') {
          return new Negate(convert(s.getExpression()));
        }
        if (s.getSign() == '+') {
          return convert(s.getExpression());
        }
        throw unsupported("operator " + s.getSign(), text);
      }
      if (e instanceof NotExpression n) {
        Expression arg = n.getExpression();
        // JSqlParser gives '!' the precedence of NOT; MySQL binds it tighter than any binary operator
        if (n.isExclamationMark() && !isPrimary(arg)) {
          throw unsupported("'!' before an operator expression (write NOT or !(...))", text);
        }
        return new Not(convert(arg));
      }
      if (e instanceof OrExpression || e instanceof XorExpression) {
        return orXor(e);
      }
      if (e instanceof AndExpression a) {
        return new Logical(Logic.AND, convert(a.getLeftExpression()), convert(a.getRightExpression()));
      }
      if (e instanceof Addition || e instanceof Subtraction || e instanceof Multiplication || e instanceof Division
          || e instanceof IntegerDivision || e instanceof Modulo) {
        BinaryExpression b = (BinaryExpression) e;
        Arith op = e instanceof Addition ? Arith.ADD : e instanceof Subtraction ? Arith.SUB
            : e instanceof Multiplication ? Arith.MUL : e instanceof Division ? Arith.DIV
            : e instanceof IntegerDivision ? Arith.INT_DIV : Arith.MOD;
        return new Arithmetic(op, convert(b.getLeftExpression()), convert(b.getRightExpression()));
      }
      Cmp cmp = e instanceof EqualsTo ? Cmp.EQ : e instanceof NotEqualsTo ? Cmp.NE : e instanceof MinorThan ? Cmp.LT
          : e instanceof MinorThanEquals ? Cmp.LE : e instanceof GreaterThan ? Cmp.GT
          : e instanceof GreaterThanEquals ? Cmp.GE : e instanceof CosineSimilarity ? Cmp.NULL_SAFE_EQ : null;
      if (cmp != null) {
        BinaryExpression b = (BinaryExpression) e;
        return new Comparison(cmp, convert(b.getLeftExpression()), convert(b.getRightExpression()));
      }
      if (e instanceof InExpression in) {
        if (in.isGlobal() || !(in.getRightExpression() instanceof ParenthesedExpressionList<?> list)
            || in.getOldOracleJoinSyntax() != 0) {
          throw unsupported("IN operand " + in.getRightExpression(), text);
        }
        List<Node> items = new ArrayList<>();
        for (Object item : list) {
          items.add(convert((Expression) item));
        }
        return new In(convert(in.getLeftExpression()), items, in.isNot());
      }
      if (e instanceof Between b) {
        return new BetweenNode(convert(b.getLeftExpression()), convert(b.getBetweenExpressionStart()),
            convert(b.getBetweenExpressionEnd()), b.isNot());
      }
      if (e instanceof IsNullExpression n) {
        return new IsNull(convert(n.getLeftExpression()), n.isNot());
      }
      if (e instanceof IsBooleanExpression b) {
        return new IsBool(convert(b.getLeftExpression()), b.isTrue(), b.isNot());
      }
      if (e instanceof LikeExpression like) {
        if (like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE || like.isUseBinary()) {
          throw unsupported(like.getLikeKeyWord() + (like.isUseBinary() ? " BINARY" : ""), text);
        }
        int escape = '\\';
        if (like.getEscape() != null) {
          if (!(like.getEscape() instanceof StringValue sv)) {
            throw unsupported("ESCAPE " + like.getEscape(), text);
          }
          String esc = unescape(sv.getValue(), '\'');
          if (esc.codePointCount(0, esc.length()) > 1) {
            throw new SinkConfigException(INVALID_FILTER_EXPRESSION,
                "invalid filter expressions. Incorrect arguments to ESCAPE in: '" + text + "'");
          }
          escape = esc.isEmpty() ? '\\' : esc.codePointAt(0);
        }
        return new Like(convert(like.getLeftExpression()), convert(like.getRightExpression()), escape, like.isNot());
      }
      throw unsupported(describe(e), text);
    }

    private static String describe(Expression e) {
      String kind = e.getClass().getSimpleName();
      return (kind.isEmpty() ? "expression" : kind) + " '" + e + "'";
    }

    private static boolean isPrimary(Expression e) {
      return e instanceof Column || e instanceof ParenthesedExpressionList<?> || e instanceof LongValue
          || e instanceof DoubleValue || e instanceof StringValue || e instanceof NullValue
          || e instanceof BooleanValue || e instanceof NotExpression || e instanceof SignedExpression;
    }

    private Node column(Column c) {
      String name = c.getColumnName();
      if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"") && c.getTable() == null) {
        // without ANSI_QUOTES (TiDB's default) a double-quoted token is a string
        return new Literal(Text.literal(unescape(name.substring(1, name.length() - 1), '"')));
      }
      if (c.getTable() != null && c.getTable().getSchemaName() != null) {
        throw unsupported("column reference " + c, text);
      }
      String table = c.getTable() == null || c.getTable().getName() == null ? null : identifier(c.getTable().getName());
      return new ColumnName(table, identifier(name));
    }

    private String identifier(String s) {
      if (s.length() >= 2 && s.startsWith("`") && s.endsWith("`")) {
        return s.substring(1, s.length() - 1).replace("``", "`");
      }
      if (s.startsWith("\"")) {
        throw unsupported("identifier " + s, text);
      }
      return s;
    }

    /**
     * JSqlParser binds OR tighter than XOR; MySQL's precedence is AND > XOR > OR. The unparenthesized chain of OR
     * and XOR operators is flattened in source order and rebuilt: ORs of left-associative XORs.
     */
    private Node orXor(Expression e) {
      List<Expression> operands = new ArrayList<>();
      List<Logic> ops = new ArrayList<>();
      flatten(e, operands, ops);
      Node or = null;
      Node xor = convert(operands.get(0));
      for (int i = 0; i < ops.size(); i++) {
        Node next = convert(operands.get(i + 1));
        if (ops.get(i) == Logic.XOR) {
          xor = new Logical(Logic.XOR, xor, next);
        } else {
          or = or == null ? xor : new Logical(Logic.OR, or, xor);
          xor = next;
        }
      }
      return or == null ? xor : new Logical(Logic.OR, or, xor);
    }

    private static void flatten(Expression e, List<Expression> operands, List<Logic> ops) {
      if (e instanceof OrExpression || e instanceof XorExpression) {
        BinaryExpression b = (BinaryExpression) e;
        flatten(b.getLeftExpression(), operands, ops);
        ops.add(e instanceof OrExpression ? Logic.OR : Logic.XOR);
        flatten(b.getRightExpression(), operands, ops);
      } else {
        operands.add(e);
      }
    }
  }

  /**
   * MySQL's string literal escapes: a doubled quote, and backslash sequences ({@code \0 \b \n \r \t \Z}, {@code \%}
   * and {@code \_} stay as written for LIKE, any other {@code \x} is {@code x}).
   */
  static String unescape(String raw, char quote) {
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == quote && i + 1 < raw.length() && raw.charAt(i + 1) == quote) {
        sb.append(quote);
        i++;
      } else if (c == '\\' && i + 1 < raw.length()) {
        char n = raw.charAt(++i);
        switch (n) {
          case '0' -> sb.append('\0');
          case 'b' -> sb.append('\b');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'Z' -> sb.append('\u001A');
          case '%', '_' -> sb.append('\\').append(n);
          default -> sb.append(n);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
