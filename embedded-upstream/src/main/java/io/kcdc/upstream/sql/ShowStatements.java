package io.kcdc.upstream.sql;

import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code SHOW DATABASES / TABLES / COLUMNS / VARIABLES / WARNINGS ...}. */
final class ShowStatements {
  private static final Pattern DATABASES = Pattern.compile("(?is)^(DATABASES|SCHEMAS)(\\s+LIKE\\s+'(.*)')?$");
  private static final Pattern TABLES =
      Pattern.compile("(?is)^(FULL\\s+)?TABLES(\\s+(FROM|IN)\\s+(`[^`]+`|\\w+))?(\\s+LIKE\\s+'(.*)')?$");
  private static final Pattern VARIABLES =
      Pattern.compile("(?is)^(SESSION\\s+|GLOBAL\\s+)?VARIABLES(\\s+(LIKE\\s+'(.*)'|WHERE\\s+.*))?$");
  private static final Pattern COLUMNS = Pattern.compile(
      "(?is)^(FULL\\s+)?(COLUMNS|FIELDS)\\s+(FROM|IN)\\s+(`[^`]+`|\\w+)(\\.(`[^`]+`|\\w+))?(\\s+(FROM|IN)\\s+(`[^`]+`|\\w+))?$");

  private ShowStatements() {}

  static QueryResult show(String body, Session session) {
    Snapshot snap = session.readView();
    Matcher m = DATABASES.matcher(body);
    if (m.matches()) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("INFORMATION_SCHEMA"));
      for (DBInfo db : Catalog.databases(snap)) {
        rows.add(List.of(db.name().o()));
      }
      return new QueryResult.Rows(List.of(ResultColumn.text("Database")), like(rows, m.group(3)));
    }
    m = TABLES.matcher(body);
    if (m.matches()) {
      String db = m.group(4) != null ? Identifiers.unquote(m.group(4)) : session.currentDatabase();
      if (db == null) {
        throw SqlException.noDatabase();
      }
      DBInfo d = Catalog.database(snap, db).orElseThrow(() -> SqlException.unknownDatabase(db));
      boolean full = m.group(1) != null;
      List<List<String>> rows = new ArrayList<>();
      for (TableInfo t : Catalog.tables(snap, d.id())) {
        rows.add(full ? List.of(t.name().o(), "BASE TABLE") : List.of(t.name().o()));
      }
      List<ResultColumn> cols = new ArrayList<>();
      cols.add(ResultColumn.text("Tables_in_" + d.name().o()));
      if (full) {
        cols.add(ResultColumn.text("Table_type"));
      }
      return new QueryResult.Rows(cols, like(rows, m.group(6)));
    }
    m = VARIABLES.matcher(body);
    if (m.matches()) {
      List<List<String>> rows = new ArrayList<>();
      for (Map.Entry<String, String> e : session.systemVariables().entrySet()) {
        rows.add(List.of(e.getKey(), e.getValue()));
      }
      return new QueryResult.Rows(
          List.of(ResultColumn.text("Variable_name"), ResultColumn.text("Value")), like(rows, m.group(4)));
    }
    m = COLUMNS.matcher(body);
    if (m.matches()) {
      String table = Identifiers.unquote(m.group(6) != null ? m.group(6) : m.group(4));
      String db = m.group(6) != null ? Identifiers.unquote(m.group(4))
          : m.group(9) != null ? Identifiers.unquote(m.group(9)) : session.currentDatabase();
      if (db == null) {
        throw SqlException.noDatabase();
      }
      DBInfo d = Catalog.database(snap, db).orElseThrow(() -> SqlException.unknownDatabase(db));
      TableInfo t = Catalog.table(snap, d.id(), table).orElseThrow(() -> SqlException.unknownTable(db, table));
      List<List<String>> rows = new ArrayList<>();
      for (ColumnInfo c : t.columns()) {
        List<String> row = new ArrayList<>();
        row.add(c.name().o());
        row.add(typeText(c));
        row.add(c.type().notNull() ? "NO" : "YES");
        row.add(c.type().hasFlag(io.kcdc.tidb.MysqlFlag.PRI_KEY) ? "PRI"
            : c.type().hasFlag(io.kcdc.tidb.MysqlFlag.UNIQUE_KEY) ? "UNI"
            : c.type().hasFlag(io.kcdc.tidb.MysqlFlag.MULTIPLE_KEY) ? "MUL" : "");
        row.add(c.defaultValue() == null ? null : c.defaultValue().toString());
        row.add(c.type().hasFlag(io.kcdc.tidb.MysqlFlag.AUTO_INCREMENT) ? "auto_increment" : "");
        rows.add(row);
      }
      return new QueryResult.Rows(List.of(ResultColumn.text("Field"), ResultColumn.text("Type"),
          ResultColumn.text("Null"), ResultColumn.text("Key"), ResultColumn.text("Default"),
          ResultColumn.text("Extra")), rows);
    }
    String upper = body.toUpperCase(Locale.ROOT);
    if (upper.startsWith("WARNINGS") || upper.startsWith("ERRORS")) {
      return new QueryResult.Rows(List.of(ResultColumn.text("Level"), ResultColumn.bigint("Code"),
          ResultColumn.text("Message")), List.of());
    }
    if (upper.startsWith("ENGINES")) {
      return new QueryResult.Rows(List.of(ResultColumn.text("Engine"), ResultColumn.text("Support")),
          List.of(List.of("InnoDB", "DEFAULT")));
    }
    throw SqlException.unsupported("SHOW " + body);
  }

  /** {@code int(11) unsigned}, {@code varchar(20)}, {@code decimal(10,2)}, {@code datetime(3)}. */
  static String typeText(ColumnInfo c) {
    int tp = c.type().tp();
    String base = MysqlType.baseName(tp, c.type().binaryCharset());
    String args = "";
    if (MysqlType.isInteger(tp) || MysqlType.isChar(tp)) {
      args = "(" + c.type().flen() + ")";
    } else if (MysqlType.isDecimal(tp)) {
      args = "(" + c.type().flen() + "," + c.type().decimal() + ")";
    } else if ((tp == MysqlType.TYPE_DATETIME || tp == MysqlType.TYPE_TIMESTAMP
        || tp == MysqlType.TYPE_DURATION) && c.type().decimal() > 0) {
      args = "(" + c.type().decimal() + ")";
    }
    return base + args + (c.type().unsigned() ? " unsigned" : "");
  }

  private static List<List<String>> like(List<List<String>> rows, String pattern) {
    if (pattern == null) {
      return rows;
    }
    String regex = pattern.toLowerCase(Locale.ROOT).replace(".", "\\.").replace("%", ".*").replace("_", ".");
    return rows.stream().filter(r -> r.get(0).toLowerCase(Locale.ROOT).matches(regex)).toList();
  }
}
