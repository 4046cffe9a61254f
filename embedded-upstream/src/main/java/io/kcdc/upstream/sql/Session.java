package io.kcdc.upstream.sql;

import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.catalog.DdlExecutor;
import io.kcdc.upstream.catalog.SchemaException;
import io.kcdc.upstream.kv.DeadlockException;
import io.kcdc.upstream.kv.LockWaitTimeoutException;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import io.kcdc.upstream.kv.WriteConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.ForMode;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * One connection's SQL session: current database, session variables and the transaction.
 * With autocommit each statement runs in its own optimistic transaction (retried on a write
 * conflict, as TiDB runs autocommit statements with its default {@code pessimistic-auto-commit =
 * false}); BEGIN or autocommit=0 keep one transaction open until COMMIT/ROLLBACK, pessimistic
 * unless {@code tidb_txn_mode} is {@code optimistic} or the statement was {@code BEGIN
 * OPTIMISTIC}; DDL commits an open transaction first, as in MySQL.
 *
 * <p>A DML statement (or SELECT ... FOR UPDATE) of a pessimistic transaction reads the latest
 * committed data and locks the keys it writes and the rows it matched, waiting at most {@code innodb_lock_wait_timeout} seconds (error 1205); when a
 * key was committed after its read the statement runs again with a newer read ts, as TiDB does.
 * A deadlock (error 1213) rolls the transaction back, as in MySQL.
 */
public final class Session implements SqlSession, EvalContext {
  private static final int AUTOCOMMIT_ATTEMPTS = 10;
  /** TiDB's {@code pessimistic-txn.max-retry-count}. */
  private static final int PESSIMISTIC_STATEMENT_ATTEMPTS = 256;
  private static final Pattern BEGIN = Pattern.compile(
      "(?is)^(BEGIN(\\s+WORK)?|BEGIN\\s+(PESSIMISTIC|OPTIMISTIC)|START\\s+TRANSACTION(\\s+.*)?)$");
  private static final Pattern COMMIT = Pattern.compile("(?is)^COMMIT(\\s+WORK)?$");
  private static final Pattern ROLLBACK = Pattern.compile("(?is)^ROLLBACK(\\s+WORK)?$");
  private static final Pattern CREATE_DB = Pattern.compile(
      "(?is)^CREATE\\s+(?:DATABASE|SCHEMA)\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(`[^`]+`|\\w+)(\\s+.*)?$");
  private static final Pattern DROP_DB = Pattern.compile(
      "(?is)^DROP\\s+(?:DATABASE|SCHEMA)\\s+(IF\\s+EXISTS\\s+)?(`[^`]+`|\\w+)$");
  private static final Pattern DROP_INDEX = Pattern.compile(
      "(?is)^DROP\\s+INDEX\\s+(`[^`]+`|\\w+)\\s+ON\\s+(?:(`[^`]+`|\\w+)\\.)?(`[^`]+`|\\w+)$");
  private static final Pattern CREATE_TABLE = Pattern.compile("(?is)^CREATE\\s+TABLE\\b");
  private static final Pattern ALTER_PARTITION = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+(?:(`[^`]+`|\\w+)\\.)?"
      + "(`[^`]+`|\\w+)\\s+(ADD|DROP|TRUNCATE)\\s+PARTITION\\b\\s*(.*)$");
  private static final Pattern EXCHANGE_PARTITION = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+(?:(`[^`]+`|\\w+)\\.)?"
      + "(`[^`]+`|\\w+)\\s+EXCHANGE\\s+PARTITION\\s+(`[^`]+`|\\w+)\\s+WITH\\s+TABLE\\s+(?:(`[^`]+`|\\w+)\\.)?"
      + "(`[^`]+`|\\w+)(?:\\s+(WITH|WITHOUT)\\s+VALIDATION)?$");
  private static final Pattern USE = Pattern.compile("(?is)^USE\\s+(`[^`]+`|\\w+)$");
  private static final Pattern SET = Pattern.compile("(?is)^SET\\s+(.*)$");
  private static final Pattern SHOW = Pattern.compile("(?is)^SHOW\\s+(.*)$");
  private static final Pattern REPLACE = Pattern.compile("(?is)^REPLACE\\b");

  private final SqlEngine engine;
  private final long connectionId;
  private final Map<String, String> systemVariables;
  private final Map<String, Object> userVariables = new HashMap<>();
  private String database = "";
  private boolean autocommit = true;
  private Transaction txn;

  Session(SqlEngine engine, long connectionId) {
    this.engine = engine;
    this.connectionId = connectionId;
    this.systemVariables = new TreeMap<>(engine.globalVariables());
    this.autocommit = !"0".equals(systemVariables.get("autocommit"))
        && !"OFF".equalsIgnoreCase(systemVariables.get("autocommit"));
  }

  @Override
  public synchronized QueryResult execute(String sql) {
    String s = strip(sql);
    if (s.isEmpty()) {
      throw new SqlException(1065, "42000", "Query was empty");
    }
    try {
      return dispatch(s);
    } catch (SchemaException e) {
      throw translate(e);
    }
  }

  private QueryResult dispatch(String s) {
    Matcher begin = BEGIN.matcher(s);
    if (begin.matches()) {
      commitOpen();
      String mode = begin.group(3) != null ? begin.group(3) : systemVariables.get("tidb_txn_mode");
      txn = beginTransaction(mode);
      return QueryResult.Ok.EMPTY;
    }
    if (COMMIT.matcher(s).matches()) {
      commitOpen();
      return QueryResult.Ok.EMPTY;
    }
    if (ROLLBACK.matcher(s).matches()) {
      rollbackOpen();
      return QueryResult.Ok.EMPTY;
    }
    Matcher m = CREATE_DB.matcher(s);
    if (m.matches()) {
      commitOpen();
      boolean created = engine.ddl().createDatabase(Identifiers.unquote(m.group(2)), m.group(1) != null, s).isPresent();
      return new QueryResult.Ok(created ? 1 : 0, 0);
    }
    m = DROP_DB.matcher(s);
    if (m.matches()) {
      commitOpen();
      String name = Identifiers.unquote(m.group(2));
      engine.ddl().dropDatabase(name, m.group(1) != null, s);
      if (name.equalsIgnoreCase(database)) {
        database = "";
      }
      return QueryResult.Ok.EMPTY;
    }
    m = DROP_INDEX.matcher(s);
    if (m.matches()) {
      commitOpen();
      // JSqlParser does not take a qualified table after DROP INDEX ... ON.
      Table on = m.group(2) != null ? new Table(m.group(2), m.group(3)) : new Table(m.group(3));
      String indexName = m.group(1);
      engine.ddl().alterTable(schemaOf(on), Identifiers.unquote(on.getName()), ActionType.DROP_INDEX, s,
          (t, ts) -> AlterTableTranslator.dropIndex(t, indexName, ts));
      return QueryResult.Ok.EMPTY;
    }
    m = EXCHANGE_PARTITION.matcher(s);
    if (m.matches()) {
      commitOpen();
      Table pt = m.group(1) != null ? new Table(m.group(1), m.group(2)) : new Table(m.group(2));
      Table nt = m.group(4) != null ? new Table(m.group(4), m.group(5)) : new Table(m.group(5));
      boolean validate = m.group(6) == null || m.group(6).equalsIgnoreCase("WITH");
      engine.ddl().exchangePartition(schemaOf(pt), Identifiers.unquote(pt.getName()), Identifiers.unquote(m.group(3)),
          schemaOf(nt), Identifiers.unquote(nt.getName()), validate, s, Session::checkRowsFitPartition);
      return QueryResult.Ok.EMPTY;
    }
    m = ALTER_PARTITION.matcher(s);
    if (m.matches()) {
      commitOpen();
      Table on = m.group(1) != null ? new Table(m.group(1), m.group(2)) : new Table(m.group(2));
      alterPartitions(on, m.group(3).toUpperCase(Locale.ROOT), m.group(4).trim(), s);
      return QueryResult.Ok.EMPTY;
    }
    m = USE.matcher(s);
    if (m.matches()) {
      useDatabase(Identifiers.unquote(m.group(1)));
      return QueryResult.Ok.EMPTY;
    }
    m = SET.matcher(s);
    if (m.matches()) {
      return set(m.group(1));
    }
    m = SHOW.matcher(s);
    if (m.matches()) {
      return ShowStatements.show(m.group(1), this);
    }
    Partitioning.Split split = CREATE_TABLE.matcher(s).lookingAt() ? Partitioning.split(s) : new Partitioning.Split(s, null);
    Statement st = parse(split.createTable());
    if (st instanceof PlainSelect ps) {
      return select(ps);
    }
    if (st instanceof Insert ins) {
      boolean replace = REPLACE.matcher(s).lookingAt();
      return write(ins.getTable(),
          (t, tx) -> engine.dml().insert(ins, replace, tx, t.dbId(), t.table(), this));
    }
    if (st instanceof Update upd) {
      return write(upd.getTable(), (t, tx) -> engine.dml().update(upd, tx, t.table(), this));
    }
    if (st instanceof Delete del) {
      return write(del.getTable(), (t, tx) -> engine.dml().delete(del, tx, t.table(), this));
    }
    if (st instanceof CreateTable ct) {
      return createTable(ct, s, split.partitionClause());
    }
    if (st instanceof Drop drop && drop.getType().equalsIgnoreCase("TABLE")) {
      commitOpen();
      for (Table t : List.of(drop.getName())) {
        String db = schemaOf(t);
        engine.ddl().dropTable(db, Identifiers.unquote(t.getName()), drop.isIfExists(), s);
      }
      return QueryResult.Ok.EMPTY;
    }
    if (st instanceof CreateIndex ci) {
      commitOpen();
      boolean unique = ci.getIndex().getType() != null
          && ci.getIndex().getType().toUpperCase(Locale.ROOT).contains("UNIQUE");
      addIndex(ci.getTable(), ci.getIndex().getName(), ci.getIndex().getColumnsNames(), unique, s);
      return QueryResult.Ok.EMPTY;
    }
    if (st instanceof RenameTableStatement rename) {
      commitOpen();
      // As in MySQL, an unqualified name is in the current database.
      List<DdlExecutor.Rename> renames = new ArrayList<>();
      for (Map.Entry<Table, Table> e : rename.getTableNames()) {
        renames.add(new DdlExecutor.Rename(schemaOf(e.getKey()), Identifiers.unquote(e.getKey().getName()),
            schemaOf(e.getValue()), Identifiers.unquote(e.getValue().getName())));
      }
      engine.ddl().renameTables(renames, s);
      return QueryResult.Ok.EMPTY;
    }
    if (st instanceof Alter alter) {
      return alterTable(alter, s);
    }
    if (st instanceof Truncate tr) {
      commitOpen();
      engine.ddl().truncateTable(schemaOf(tr.getTable()), Identifiers.unquote(tr.getTable().getName()), s);
      return QueryResult.Ok.EMPTY;
    }
    throw SqlException.unsupported(s.length() > 60 ? s.substring(0, 60) + "..." : s);
  }

  private QueryResult createTable(CreateTable ct, String query, String partitionClause) {
    commitOpen();
    String db = schemaOf(ct.getTable());
    String name = Identifiers.unquote(ct.getTable().getName());
    boolean nonClustered = query.toUpperCase(Locale.ROOT).contains("NONCLUSTERED");
    engine.ddl().createTable(db, name, ct.isIfNotExists(), query,
        (id, startTs, ids) -> {
          TableInfo t = CreateTableTranslator.translate(ct, id, nonClustered, startTs);
          return partitionClause == null ? t
              : t.toBuilder().partition(Partitioning.parse(partitionClause, t, ids)).build();
        });
    return QueryResult.Ok.EMPTY;
  }

  /**
   * {@code ALTER TABLE} with one or more changes: as in TiDB, more than one change (clauses, or
   * columns of one {@code ADD COLUMN (a ..., b ...)}) is one MultiSchemaChange job. New indexes
   * are backfilled once the job is done.
   */
  private QueryResult alterTable(Alter alter, String query) {
    commitOpen();
    String db = schemaOf(alter.getTable());
    String name = Identifiers.unquote(alter.getTable().getName());
    List<DdlExecutor.SubChange> changes = new ArrayList<>();
    int addedIndexes = 0;
    Table renameTo = null;
    for (AlterExpression e : alter.getAlterExpressions()) {
      String op = String.valueOf(e.getOperation());
      if (op.equals("ADD") && e.getColDataTypeList() != null) {
        for (AlterExpression.ColumnDataType cd : e.getColDataTypeList()) {
          changes.add(new DdlExecutor.SubChange(ActionType.ADD_COLUMN, (t, ts) -> AlterTableTranslator.addColumn(t, cd, ts)));
        }
      } else if (op.equals("ADD") && e.getUk() && e.getUkColumns() != null) {
        String ix = e.getUkName();
        List<String> cols = e.getUkColumns();
        changes.add(new DdlExecutor.SubChange(ActionType.ADD_INDEX,
            (t, ts) -> AlterTableTranslator.addIndex(t, ix, cols, true, ts)));
        addedIndexes++;
      } else if (op.equals("ADD") && e.getIndex() != null) {
        String type = e.getIndex().getType() == null ? "" : e.getIndex().getType().toUpperCase(Locale.ROOT);
        if (type.contains("PRIMARY")) {
          throw SqlException.unsupported("ALTER TABLE ADD PRIMARY KEY");
        }
        String ix = e.getIndex().getName();
        List<String> cols = e.getIndex().getColumnsNames();
        boolean unique = type.contains("UNIQUE");
        changes.add(new DdlExecutor.SubChange(ActionType.ADD_INDEX,
            (t, ts) -> AlterTableTranslator.addIndex(t, ix, cols, unique, ts)));
        addedIndexes++;
      } else if (op.equals("DROP") && e.getIndex() != null) {
        String indexName = e.getIndex().getName();
        changes.add(new DdlExecutor.SubChange(ActionType.DROP_INDEX,
            (t, ts) -> AlterTableTranslator.dropIndex(t, indexName, ts)));
      } else if (op.equals("DROP") && e.getColumnName() != null) {
        changes.add(new DdlExecutor.SubChange(ActionType.DROP_COLUMN,
            (t, ts) -> AlterTableTranslator.dropColumn(t, e.getColumnName(), ts)));
      } else if ((op.equals("MODIFY") || op.equals("ALTER")) && e.getColDataTypeList() != null) {
        for (AlterExpression.ColumnDataType cd : e.getColDataTypeList()) {
          changes.add(new DdlExecutor.SubChange(ActionType.MODIFY_COLUMN,
              (t, ts) -> AlterTableTranslator.modifyColumn(t, cd, ts)));
        }
      } else if (op.equals("RENAME_TABLE") && e.getNewTableName() != null) {
        renameTo = new Table(e.getNewTableName());
      } else {
        throw SqlException.unsupported("ALTER TABLE " + e);
      }
    }
    if (renameTo != null) {
      if (!changes.isEmpty()) {
        // TiDB's multi-schema change has no RENAME TABLE sub-job either.
        throw SqlException.unsupported("ALTER TABLE RENAME with other changes");
      }
      renameTable(alter.getTable(), renameTo, query);
      return QueryResult.Ok.EMPTY;
    }
    TableInfo t = engine.ddl().alterTable(db, name, query, changes);
    // Index ids are allocated in order: the new ones are the highest.
    for (long id = t.maxIndexId() - addedIndexes + 1; id <= t.maxIndexId(); id++) {
      backfill(t, id);
    }
    return QueryResult.Ok.EMPTY;
  }

  /**
   * {@code ALTER TABLE t ADD PARTITION (...)}, {@code DROP PARTITION p[, ...]} and {@code TRUNCATE
   * PARTITION p[, ...] | ALL}: one TiDB job each (AddTablePartition, DropTablePartition,
   * TruncateTablePartition) whose TableInfo has the new definitions; added and truncated
   * partitions take new physical ids. Rows of dropped or truncated partitions stay under their
   * old ids, unread, as TiDB leaves them to GC's range deletion (no row events).
   */
  private void alterPartitions(Table table, String op, String body, String query) {
    String db = schemaOf(table);
    String name = Identifiers.unquote(table.getName());
    switch (op) {
      case "ADD" -> {
        if (!body.startsWith("(")) {
          throw SqlException.unsupported("ALTER TABLE ADD PARTITION " + body);
        }
        engine.ddl().alterTable(db, name, ActionType.ADD_TABLE_PARTITION, query,
            (t, ts, ids) -> Partitioning.withAdded(t, body.substring(1, body.lastIndexOf(')')), ids)
                .toBuilder().updateTimestamp(ts).build());
      }
      case "DROP" -> {
        List<String> names = partitionNames(body);
        engine.ddl().alterTable(db, name, ActionType.DROP_TABLE_PARTITION, query,
            (t, ts, ids) -> Partitioning.dropped(t, names).toBuilder().updateTimestamp(ts).build());
      }
      default -> {
        List<String> names = body.equalsIgnoreCase("ALL") ? List.of() : partitionNames(body);
        engine.ddl().alterTable(db, name, ActionType.TRUNCATE_TABLE_PARTITION, query,
            (t, ts, ids) -> Partitioning.truncated(t, names, ids).toBuilder().updateTimestamp(ts).build());
      }
    }
  }

  private static List<String> partitionNames(String body) {
    List<String> names = new ArrayList<>();
    for (String n : body.split(",")) {
      if (!n.trim().matches("`[^`]+`|\\w+")) {
        throw SqlException.parse("check the manual near '" + body + "'");
      }
      names.add(Identifiers.unquote(n.trim()));
    }
    return names;
  }

  private void addIndex(Table table, String indexName, List<String> columns, boolean unique, String query) {
    TableInfo t = engine.ddl().alterTable(schemaOf(table), Identifiers.unquote(table.getName()),
        ActionType.ADD_INDEX, query, (cur, ts) -> AlterTableTranslator.addIndex(cur, indexName, columns, unique, ts));
    backfill(t, t.maxIndexId());
  }

  /** The job is Done once the meta is written; the index entries of rows already there follow. */
  private void backfill(TableInfo t, long indexId) {
    for (int attempt = 1; ; attempt++) {
      Transaction tx = engine.kv().begin();
      try {
        IndexKeys.backfill(tx, t, indexId);
        tx.commit();
        return;
      } catch (WriteConflictException e) {
        if (attempt >= AUTOCOMMIT_ATTEMPTS) {
          throw SqlException.writeConflict("index backfill: " + e.getMessage());
        }
      } catch (RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
  }

  private void renameTable(Table from, Table to, String query) {
    // As in MySQL, an unqualified new name is in the current database.
    engine.ddl().renameTable(schemaOf(from), Identifiers.unquote(from.getName()), schemaOf(to),
        Identifiers.unquote(to.getName()), query);
  }

  private QueryResult select(PlainSelect ps) {
    if (ps.getFromItem() == null) {
      return QueryExecutor.selectNoTable(ps, this);
    }
    if (!(ps.getFromItem() instanceof Table from)) {
      throw SqlException.unsupported("subqueries in FROM");
    }
    String db = schemaOf(from);
    if (ps.getForMode() == ForMode.UPDATE && txn != null && txn.pessimistic()) {
      // SELECT ... FOR UPDATE reads the latest rows and locks those its WHERE matches.
      Transaction tx = txn;
      return pessimisticStatement(() -> {
        TableInfo t = resolve(tx, db, Identifiers.unquote(from.getName())).table();
        String alias = from.getAlias() == null ? null : from.getAlias().getName();
        DmlExecutor.filter(TableStore.candidates(tx, t, ps.getWhere(), this), ps.getWhere(),
            new RowScope(this, t, alias)).forEach(r -> tx.lockAtStatementEnd(r.key()));
        return QueryExecutor.select(ps, tx, db, t, this);
      }, ps.isNoWait());
    }
    Snapshot snap = txn != null ? txn : engine.kv().snapshot(engine.kv().currentTs());
    TableInfo t = resolve(snap, db, Identifiers.unquote(from.getName())).table();
    return QueryExecutor.select(ps, snap, db, t, this);
  }

  /** A table and the id of its database. */
  record ResolvedTable(long dbId, TableInfo table) {}

  private ResolvedTable resolve(Snapshot snap, String db, String table) {
    DBInfo d = Catalog.database(snap, db).orElseThrow(() -> SqlException.unknownDatabase(db));
    TableInfo t = engine.ddl().infoSchema().table(snap, d.id(), table)
        .orElseThrow(() -> SqlException.unknownTable(db, table));
    return new ResolvedTable(d.id(), t);
  }

  private QueryResult write(Table table, java.util.function.BiFunction<ResolvedTable, Transaction, QueryResult> body) {
    String db = schemaOf(table);
    String name = Identifiers.unquote(table.getName());
    if (txn == null && !autocommit) {
      txn = beginTransaction(systemVariables.get("tidb_txn_mode"));
    }
    if (txn != null) {
      Transaction t = txn;
      return t.pessimistic()
          ? pessimisticStatement(() -> body.apply(resolve(t, db, name), t), false)
          : body.apply(resolve(t, db, name), t);
    }
    for (int attempt = 1; ; attempt++) {
      Transaction t = engine.kv().begin();
      try {
        QueryResult r = body.apply(resolve(t, db, name), t);
        t.commit();
        return r;
      } catch (WriteConflictException e) {
        if (attempt >= AUTOCOMMIT_ATTEMPTS) {
          throw SqlException.writeConflict("txnStartTS=" + t.startTs() + ", " + e.getMessage());
        }
        backoff(attempt);
      } catch (RuntimeException e) {
        t.rollback();
        throw e;
      }
    }
  }

  /** {@code tidb_txn_mode}: "pessimistic" (TiDB's default), else optimistic, as TiDB's PrepareTxnCtx decides. */
  private Transaction beginTransaction(String mode) {
    return "pessimistic".equalsIgnoreCase(mode) ? engine.kv().beginPessimistic() : engine.kv().begin();
  }

  /**
   * One statement of the open pessimistic transaction that locks what it writes or reads for
   * update; see the class comment. With {@code noWait} a held lock fails it at once (error 3572).
   */
  private QueryResult pessimisticStatement(java.util.function.Supplier<QueryResult> body, boolean noWait) {
    Transaction t = txn;
    for (int attempt = 1; ; attempt++) {
      t.startStatement(engine.kv().currentTs());
      boolean keep = false;
      try {
        QueryResult r = body.get();
        t.lockStatementKeys(noWait ? 0 : lockWaitMillis());
        keep = true;
        return r;
      } catch (WriteConflictException e) {
        if (attempt >= PESSIMISTIC_STATEMENT_ATTEMPTS) {
          throw SqlException.writeConflict("txnStartTS=" + t.startTs() + ", " + e.getMessage());
        }
      } catch (LockWaitTimeoutException e) {
        throw noWait
            ? new SqlException(3572, "HY000",
                "Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set.")
            : SqlException.lockWaitTimeout();
      } catch (DeadlockException e) {
        t.endStatement(false);
        rollbackOpen();
        throw SqlException.deadlock();
      } finally {
        if (txn == t) {
          t.endStatement(keep);
        }
      }
    }
  }

  private long lockWaitMillis() {
    String v = systemVariables.getOrDefault("innodb_lock_wait_timeout", "50").trim();
    try {
      return Math.max(0, Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      return 50_000;
    }
  }

  /** A short randomized pause before an autocommit statement runs again after a conflict. */
  private static void backoff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2L << Math.min(attempt, 6)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String schemaOf(Table t) {
    if (t.getSchemaName() != null) {
      return Identifiers.unquote(t.getSchemaName());
    }
    if (database.isEmpty()) {
      throw SqlException.noDatabase();
    }
    return database;
  }

  private QueryResult set(String body) {
    String upper = body.toUpperCase(Locale.ROOT).trim();
    if (upper.startsWith("NAMES") || upper.startsWith("CHARACTER SET") || upper.startsWith("CHARSET")) {
      return QueryResult.Ok.EMPTY;
    }
    if (upper.matches("(?s)^(SESSION\\s+|GLOBAL\\s+|LOCAL\\s+)?TRANSACTION\\s+.*")) {
      return QueryResult.Ok.EMPTY;
    }
    for (String assignment : Partitioning.splitTopLevel(body)) {
      String head = assignment.trim().toUpperCase(Locale.ROOT);
      if (head.startsWith("NAMES") || head.startsWith("CHARACTER SET") || head.startsWith("CHARSET")) {
        continue;
      }
      int eq = assignment.indexOf('=');
      if (eq < 0) {
        throw SqlException.parse("near '" + assignment + "'");
      }
      String name = assignment.substring(0, eq).trim();
      String valueText = assignment.substring(eq + 1).trim();
      if (name.endsWith(":")) {
        name = name.substring(0, name.length() - 1).trim();
      }
      boolean user = name.startsWith("@") && !name.startsWith("@@");
      Object value = evalSetValue(valueText);
      if (user) {
        userVariables.put(name.substring(1).toLowerCase(Locale.ROOT), value);
        continue;
      }
      String bare = name.replaceFirst("^@@", "");
      boolean global = bare.matches("(?is)^global(\\s+|\\.).*");
      String var = SystemVariables.normalize(bare.replaceFirst("(?i)^(session|global|local)\\s+", ""));
      String text = value == null ? "" : SqlValues.toText(value);
      if (global) {
        // As in MySQL: new sessions see it, this one keeps its own value.
        engine.globalVariables().put(var, text);
      } else if (var.equals("autocommit")) {
        setAutocommit(value);
      } else {
        systemVariables.put(var, text);
      }
    }
    return QueryResult.Ok.EMPTY;
  }

  private void setAutocommit(Object value) {
    String t = SqlValues.toText(value).toUpperCase(Locale.ROOT);
    boolean on = t.equals("1") || t.equals("ON") || t.equals("TRUE");
    if (on && !autocommit) {
      // Turning autocommit on commits the open transaction.
      commitOpen();
    }
    autocommit = on;
    systemVariables.put("autocommit", on ? "1" : "0");
  }

  private Object evalSetValue(String text) {
    try {
      Expression e = CCJSqlParserUtil.parseExpression(text, false,
          p -> p.withBackslashEscapeCharacter(true));
      if (e instanceof Column c && c.getTable() == null) {
        // SET x = ON / OFF / DEFAULT: bare words are values.
        return Identifiers.unquote(c.getColumnName());
      }
      return ExpressionEvaluator.eval(e, EvalContext.noRow(this));
    } catch (JSQLParserException e) {
      return text;
    }
  }

  private static final long PARSE_TIMEOUT_MS = 600_000;

  private Statement parse(String s) {
    // REPLACE is parsed as INSERT; execution knows it from the statement text.
    String normalized = REPLACE.matcher(s).replaceFirst("INSERT")
        .replaceAll("(?i)\\bNONCLUSTERED\\b", "")
        .replaceAll("(?i)\\bCLUSTERED\\b", "")
        .replaceAll("(?i)\\bUNIQUE\\s+INDEX\\b", "UNIQUE KEY");
    try {
      // MySQL strings use backslash escapes, which drivers rely on. TiDB has no parse timeout; the parser's default
      // (6 s) failed a 5 MiB INSERT on a loaded machine as a "syntax error".
      return CCJSqlParserUtil.parse(normalized, p -> p.withBackslashEscapeCharacter(true).withTimeOut(PARSE_TIMEOUT_MS));
    } catch (JSQLParserException e) {
      String msg = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      throw SqlException.parse("check the manual near '" + firstLine(msg) + "'");
    }
  }

  private static String firstLine(String msg) {
    if (msg == null) {
      return "";
    }
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }

  private static String strip(String sql) {
    String s = sql.trim();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).trim();
    }
    return s;
  }

  private void commitOpen() {
    if (txn == null) {
      return;
    }
    Transaction t = txn;
    txn = null;
    try {
      t.commit();
    } catch (WriteConflictException e) {
      throw SqlException.writeConflict("txnStartTS=" + t.startTs() + ", " + e.getMessage());
    }
  }

  private void rollbackOpen() {
    if (txn != null) {
      Transaction t = txn;
      txn = null;
      t.rollback();
    }
  }

  /** EXCHANGE PARTITION ... WITH VALIDATION: every row of the normal table must belong to the partition. */
  private static void checkRowsFitPartition(Transaction txn, TableInfo partitioned, long partitionId, TableInfo normal) {
    for (TableStore.StoredRow row : TableStore.scan(txn, normal)) {
      if (Partitioning.physicalId(partitioned, row.values()) != partitionId) {
        throw new SqlException(1737, "HY000", "Found a row that does not match the partition");
      }
    }
  }

  private static SqlException translate(SchemaException e) {
    if (e instanceof SchemaException.Unsupported u) {
      return new SqlException(u.code, "HY000", u.getMessage());
    }
    if (e instanceof SchemaException.DatabaseExists d) {
      return SqlException.databaseExists(d.database);
    }
    if (e instanceof SchemaException.UnknownDatabase d) {
      return SqlException.unknownDatabase(d.database);
    }
    if (e instanceof SchemaException.TableExists t) {
      return SqlException.tableExists(t.table);
    }
    SchemaException.UnknownTable u = (SchemaException.UnknownTable) e;
    return new SqlException(1051, "42S02", "Unknown table '" + u.database + "." + u.table + "'");
  }

  @Override
  public synchronized void useDatabase(String db) {
    Snapshot snap = txn != null ? txn : engine.kv().snapshot(engine.kv().currentTs());
    DBInfo d = Catalog.database(snap, db).orElseThrow(() -> SqlException.unknownDatabase(db));
    database = d.name().o();
  }

  @Override
  public synchronized String currentDatabase() {
    return database.isEmpty() ? null : database;
  }

  @Override
  public synchronized boolean inTransaction() {
    return txn != null;
  }

  @Override
  public synchronized boolean autocommit() {
    return autocommit;
  }

  @Override
  public Object column(String table, String name) {
    throw SqlException.unknownColumn(name);
  }

  @Override
  public Object variable(String name, boolean system) {
    if (!system) {
      if (name.equalsIgnoreCase("connection_id")) {
        return connectionId;
      }
      return userVariables.get(name.replaceFirst("^@", "").toLowerCase(Locale.ROOT));
    }
    String var = SystemVariables.normalize(name);
    Map<String, String> scope = name.toLowerCase(Locale.ROOT).startsWith("global.")
        ? engine.globalVariables() : systemVariables;
    if (!scope.containsKey(var)) {
      throw new SqlException(1193, "HY000", "Unknown system variable '" + var + "'");
    }
    String v = scope.get(var);
    return v.matches("-?\\d{1,18}") ? (Object) Long.parseLong(v) : v;
  }

  /** Snapshot for metadata statements (SHOW): the open transaction or the latest data. */
  Snapshot readView() {
    return txn != null ? txn : engine.kv().snapshot(engine.kv().currentTs());
  }

  Map<String, String> systemVariables() {
    return systemVariables;
  }

  /**
   * Hands the open transaction out and forgets it, as a TiDB that crashes with it open does: the
   * session then has no transaction and closing it rolls nothing back.
   */
  synchronized Transaction abandonTransaction() {
    Transaction t = txn;
    txn = null;
    return t;
  }

  @Override
  public synchronized void close() {
    rollbackOpen();
  }
}
