package io.kcdc.upstream.sql;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.schema.Column;

/**
 * Evaluates scalar expressions of the JSqlParser tree: literals, column references, arithmetic,
 * comparisons, AND/OR/NOT (three-valued), IN, BETWEEN, IS NULL, LIKE and a few functions.
 */
public final class ExpressionEvaluator {
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private ExpressionEvaluator() {}

  public static Object eval(Expression e, EvalContext ctx) {
    if (e == null || e instanceof NullValue) {
      return null;
    }
    if (e instanceof LongValue v) {
      return SqlValues.normalize(new BigDecimal(v.getBigIntegerValue()));
    }
    if (e instanceof DoubleValue v) {
      String text = v.toString();
      // Decimal literals are exact in MySQL; only the exponent form is a double.
      return text.contains("e") || text.contains("E")
          ? (Object) v.getValue()
          : SqlValues.normalize(new BigDecimal(text));
    }
    if (e instanceof StringValue v) {
      return unescape(v.getValue());
    }
    if (e instanceof BooleanValue v) {
      return v.getValue() ? 1L : 0L;
    }
    if (e instanceof HexValue v) {
      return new String(hexBytes(v.getValue()), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
    if (e instanceof Column c) {
      return column(c, ctx);
    }
    if (e instanceof SignedExpression s) {
      Object v = eval(s.getExpression(), ctx);
      return s.getSign() == '-' ? SqlValues.negate(v) : v;
    }
    if (e instanceof ExpressionList<?> list) {
      if (list.size() != 1) {
        throw SqlException.unsupported("row constructors");
      }
      return eval(list.get(0), ctx);
    }
    if (e instanceof Addition a) {
      return SqlValues.arithmetic('+', eval(a.getLeftExpression(), ctx), eval(a.getRightExpression(), ctx));
    }
    if (e instanceof Subtraction a) {
      return SqlValues.arithmetic('-', eval(a.getLeftExpression(), ctx), eval(a.getRightExpression(), ctx));
    }
    if (e instanceof Multiplication a) {
      return SqlValues.arithmetic('*', eval(a.getLeftExpression(), ctx), eval(a.getRightExpression(), ctx));
    }
    if (e instanceof Division a) {
      return SqlValues.arithmetic('/', eval(a.getLeftExpression(), ctx), eval(a.getRightExpression(), ctx));
    }
    if (e instanceof Modulo a) {
      return SqlValues.arithmetic('%', eval(a.getLeftExpression(), ctx), eval(a.getRightExpression(), ctx));
    }
    if (e instanceof AndExpression a) {
      return SqlValues.fromBoolean(and(truth(a.getLeftExpression(), ctx), () -> truth(a.getRightExpression(), ctx)));
    }
    if (e instanceof OrExpression o) {
      return SqlValues.fromBoolean(or(truth(o.getLeftExpression(), ctx), () -> truth(o.getRightExpression(), ctx)));
    }
    if (e instanceof XorExpression x) {
      Boolean l = truth(x.getLeftExpression(), ctx);
      Boolean r = truth(x.getRightExpression(), ctx);
      return l == null || r == null ? null : SqlValues.fromBoolean(l ^ r);
    }
    if (e instanceof NotExpression n) {
      return SqlValues.fromBoolean(not(truth(n.getExpression(), ctx)));
    }
    if (e instanceof ComparisonOperator c) {
      Integer cmp = SqlValues.compare(eval(c.getLeftExpression(), ctx), eval(c.getRightExpression(), ctx));
      return SqlValues.fromBoolean(cmp == null ? null : comparison(c, cmp));
    }
    if (e instanceof IsNullExpression n) {
      boolean isNull = eval(n.getLeftExpression(), ctx) == null;
      return SqlValues.fromBoolean(isNull != n.isNot());
    }
    if (e instanceof Between b) {
      Object v = eval(b.getLeftExpression(), ctx);
      Integer lo = SqlValues.compare(v, eval(b.getBetweenExpressionStart(), ctx));
      Integer hi = SqlValues.compare(v, eval(b.getBetweenExpressionEnd(), ctx));
      Boolean in = and(lo == null ? null : lo >= 0, () -> hi == null ? null : hi <= 0);
      return SqlValues.fromBoolean(b.isNot() ? not(in) : in);
    }
    if (e instanceof InExpression in) {
      Expression regrouped = regroupIn(in);
      if (regrouped != in) {
        return eval(regrouped, ctx);
      }
      Boolean found = in(eval(in.getLeftExpression(), ctx), in.getRightExpression(), ctx);
      return SqlValues.fromBoolean(in.isNot() ? not(found) : found);
    }
    if (e instanceof LikeExpression like) {
      Object v = eval(like.getLeftExpression(), ctx);
      Object p = eval(like.getRightExpression(), ctx);
      if (v == null || p == null) {
        return null;
      }
      boolean m = likeToRegex(SqlValues.toText(p)).matcher(SqlValues.toText(v)).matches();
      return SqlValues.fromBoolean(m != like.isNot());
    }
    if (e instanceof UserVariable u) {
      return ctx.variable(u.getName(), u.isDoubleAdd());
    }
    if (e instanceof TimeKeyExpression t) {
      return timeKey(t.getStringValue());
    }
    if (e instanceof Function f) {
      return function(f, ctx);
    }
    throw SqlException.unsupported("expression " + e);
  }

  /** Truth of a predicate; {@code null} = UNKNOWN. */
  public static Boolean truth(Expression e, EvalContext ctx) {
    return SqlValues.truth(eval(e, ctx));
  }

  private static Object column(Column c, EvalContext ctx) {
    String name = c.getColumnName();
    String table = c.getTable() == null ? null : c.getTable().getName();
    if (table == null && (name.equalsIgnoreCase("true") || name.equalsIgnoreCase("false"))) {
      return name.equalsIgnoreCase("true") ? 1L : 0L;
    }
    if (table == null && name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2) {
      // MySQL reads double-quoted text as a string literal.
      return unescape(name.substring(1, name.length() - 1));
    }
    return ctx.column(table == null ? null : Identifiers.unquote(table), Identifiers.unquote(name));
  }

  private static boolean comparison(ComparisonOperator c, int cmp) {
    if (c instanceof EqualsTo) {
      return cmp == 0;
    }
    if (c instanceof NotEqualsTo) {
      return cmp != 0;
    }
    if (c instanceof GreaterThan) {
      return cmp > 0;
    }
    if (c instanceof GreaterThanEquals) {
      return cmp >= 0;
    }
    if (c instanceof MinorThan) {
      return cmp < 0;
    }
    if (c instanceof MinorThanEquals) {
      return cmp <= 0;
    }
    throw SqlException.unsupported("operator " + c.getStringExpression());
  }

  /**
   * JSqlParser 5.3 reads {@code a IN (1, 2) OR b} as {@code a IN ((1, 2) OR b)}; this moves the
   * trailing AND/OR/XOR back out: {@code (a IN (1, 2)) OR b}.
   */
  private static Expression regroupIn(InExpression in) {
    Expression right = in.getRightExpression();
    if (!(right instanceof AndExpression || right instanceof OrExpression || right instanceof XorExpression)) {
      return in;
    }
    net.sf.jsqlparser.expression.BinaryExpression b = (net.sf.jsqlparser.expression.BinaryExpression) right;
    InExpression inner = new InExpression(in.getLeftExpression(), b.getLeftExpression());
    inner.setNot(in.isNot());
    Expression left = regroupIn(inner);
    if (b instanceof AndExpression) {
      return new AndExpression(left, b.getRightExpression());
    }
    if (b instanceof OrExpression) {
      return new OrExpression(left, b.getRightExpression());
    }
    return new XorExpression(left, b.getRightExpression());
  }

  private static Boolean in(Object v, Expression right, EvalContext ctx) {
    if (!(right instanceof ExpressionList<?> list)) {
      throw SqlException.unsupported("IN with a subquery");
    }
    if (v == null) {
      return null;
    }
    boolean sawNull = false;
    for (Expression item : list) {
      Integer cmp = SqlValues.compare(v, eval(item, ctx));
      if (cmp == null) {
        sawNull = true;
      } else if (cmp == 0) {
        return true;
      }
    }
    return sawNull ? null : false;
  }

  private static Boolean and(Boolean l, java.util.function.Supplier<Boolean> r) {
    if (Boolean.FALSE.equals(l)) {
      return false;
    }
    Boolean rv = r.get();
    if (Boolean.FALSE.equals(rv)) {
      return false;
    }
    return l == null || rv == null ? null : true;
  }

  private static Boolean or(Boolean l, java.util.function.Supplier<Boolean> r) {
    if (Boolean.TRUE.equals(l)) {
      return true;
    }
    Boolean rv = r.get();
    if (Boolean.TRUE.equals(rv)) {
      return true;
    }
    return l == null || rv == null ? null : false;
  }

  private static Boolean not(Boolean b) {
    return b == null ? null : !b;
  }

  private static Object function(Function f, EvalContext ctx) {
    String name = f.getName().toUpperCase(Locale.ROOT);
    List<?> params = f.getParameters() == null ? List.of() : f.getParameters();
    return switch (name) {
      case "DATABASE", "SCHEMA" -> ctx.currentDatabase();
      case "VERSION" -> ctx.variable("version", true);
      case "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER" -> "root@127.0.0.1";
      case "CONNECTION_ID" -> ctx.variable("connection_id", false);
      case "NOW", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "SYSDATE" ->
          timeKey("CURRENT_TIMESTAMP");
      case "CURDATE", "CURRENT_DATE" -> timeKey("CURRENT_DATE");
      case "VALUES" -> {
        if (params.size() != 1 || !(params.get(0) instanceof Column c)) {
          throw SqlException.parse("VALUES() takes one column");
        }
        yield ctx.insertValue(Identifiers.unquote(c.getColumnName()));
      }
      case "IFNULL", "COALESCE" -> {
        for (Object p : params) {
          Object v = eval((Expression) p, ctx);
          if (v != null) {
            yield v;
          }
        }
        yield null;
      }
      case "CONCAT" -> {
        StringBuilder sb = new StringBuilder();
        for (Object p : params) {
          Object v = eval((Expression) p, ctx);
          if (v == null) {
            yield null;
          }
          sb.append(SqlValues.toText(v));
        }
        yield sb.toString();
      }
      case "ABS" -> {
        Object v = eval((Expression) params.get(0), ctx);
        yield v == null ? null : (SqlValues.compare(v, 0L) < 0 ? SqlValues.negate(v) : SqlValues.toNumber(v));
      }
      case "LENGTH" -> {
        Object v = eval((Expression) params.get(0), ctx);
        yield v == null ? null : (long) SqlValues.toText(v).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      }
      default -> throw SqlException.unsupported("function " + f.getName());
    };
  }

  private static Object timeKey(String key) {
    LocalDateTime now = LocalDateTime.now().withNano(0);
    String k = key.toUpperCase(Locale.ROOT).replace("()", "");
    return switch (k) {
      case "CURRENT_DATE" -> now.toLocalDate().toString();
      case "CURRENT_TIME" -> now.toLocalTime().toString();
      default -> now.format(DATETIME);
    };
  }

  private static java.util.regex.Pattern likeToRegex(String pattern) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        re.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
      }
    }
    return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
  }

  private static byte[] hexBytes(String literal) {
    String hex = literal.startsWith("0x") || literal.startsWith("0X")
        ? literal.substring(2)
        : literal.substring(2, literal.length() - 1);
    if (hex.length() % 2 == 1) {
      hex = "0" + hex;
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  /** MySQL string literal escapes: doubled quotes and backslash sequences. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0 && s.indexOf('\'') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
        sb.append('\'');
        i++;
      } else if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(
            switch (n) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case '0' -> '\0';
              case 'b' -> '\b';
              case 'Z' -> (char) 26;
              default -> n;
            });
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
