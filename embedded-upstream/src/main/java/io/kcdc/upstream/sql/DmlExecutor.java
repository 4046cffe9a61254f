package io.kcdc.upstream.sql;

import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.Transaction;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * INSERT, UPDATE and DELETE on one table inside the caller's transaction. Every statement first
 * computes and checks all its rows (types, NOT NULL, duplicate keys) and only then writes, so a
 * failing statement leaves the transaction untouched.
 */
final class DmlExecutor {
  private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final AutoIds autoIds;

  DmlExecutor(AutoIds autoIds) {
    this.autoIds = autoIds;
  }

  /**
   * INSERT (and REPLACE when {@code replace}): a clash on the handle or a unique key is error
   * 1062, or skipped with IGNORE, or resolved by deleting the old rows (REPLACE) or updating the
   * clashing row (ON DUPLICATE KEY UPDATE). Affected rows count as MySQL counts them.
   */
  QueryResult.Ok insert(Insert ins, boolean replace, Transaction txn, long dbId, TableInfo t,
      EvalContext session) {
    List<ColumnInfo> targets = new ArrayList<>();
    List<List<Expression>> rows = new ArrayList<>();
    if (ins.getSetUpdateSets() != null) {
      List<Expression> row = new ArrayList<>();
      for (UpdateSet us : ins.getSetUpdateSets()) {
        for (int i = 0; i < us.getColumns().size(); i++) {
          targets.add(column(t, us.getColumns().get(i)));
          row.add(us.getValues().get(i));
        }
      }
      rows.add(row);
    } else {
      if (ins.getSelect() == null || ins.getValues() == null) {
        throw SqlException.unsupported("INSERT ... SELECT");
      }
      if (ins.getColumns() != null) {
        for (Column c : ins.getColumns()) {
          targets.add(column(t, c));
        }
      } else {
        targets.addAll(t.columns());
      }
      ExpressionList<?> exprs = ins.getValues().getExpressions();
      if (exprs instanceof ParenthesedExpressionList<?> single) {
        rows.add(new ArrayList<>(single));
      } else {
        for (Expression e : exprs) {
          rows.add(e instanceof ExpressionList<?> l ? new ArrayList<>(l) : List.of(e));
        }
      }
    }
    Set<Long> seen = new HashSet<>();
    for (ColumnInfo c : targets) {
      if (!seen.add(c.id())) {
        throw new SqlException(1110, "42000", "Column '" + c.name().o() + "' specified twice");
      }
    }

    EvalContext noRow = EvalContext.noRow(session);
    List<Object[]> newRows = new ArrayList<>();
    long lastInsertId = 0;
    long rowNum = 0;
    for (List<Expression> exprs : rows) {
      rowNum++;
      if (exprs.size() != targets.size()) {
        throw SqlException.columnCount(rowNum);
      }
      Object[] values = new Object[t.columns().size()];
      boolean[] given = new boolean[values.length];
      for (int i = 0; i < targets.size(); i++) {
        ColumnInfo c = targets.get(i);
        Object v = ExpressionEvaluator.eval(exprs.get(i), noRow);
        values[c.offset()] = ColumnValues.toMounted(v, c, rowNum);
        given[c.offset()] = v != null || !c.type().hasFlag(MysqlFlag.AUTO_INCREMENT);
      }
      for (ColumnInfo c : t.columns()) {
        if (c.type().hasFlag(MysqlFlag.AUTO_INCREMENT)) {
          Object v = values[c.offset()];
          if (!given[c.offset()] || v == null || (Long) v == 0) {
            long id = autoIds.next(dbId, t.id());
            values[c.offset()] = id;
            if (lastInsertId == 0) {
              lastInsertId = id;
            }
          } else {
            autoIds.rebase(dbId, t.id(), (Long) v);
          }
        } else if (!given[c.offset()]) {
          values[c.offset()] = defaultValue(c, rowNum);
        }
        checkNotNull(c, values[c.offset()]);
      }
      newRows.add(values);
    }

    TableImage image = TableImage.of(t, txn);
    List<UpdateSet> onDuplicate = ins.getDuplicateUpdateSets();
    long affected = 0;
    for (Object[] values : newRows) {
      byte[] key = TableStore.handleKey(t, values);
      if (key == null) {
        key = io.kcdc.tidb.TableCodec.recordKey(Partitioning.physicalId(t, values), autoIds.next(dbId, t.id()));
      }
      List<TableStore.StoredRow> clashes = image.conflicts(key, values, null);
      if (clashes.isEmpty()) {
        image.put(key, values);
        affected++;
      } else if (replace) {
        clashes.forEach(image::remove);
        image.put(key, values);
        affected += 1 + clashes.size();
      } else if (onDuplicate != null) {
        affected += updateOnDuplicate(image, t, clashes.get(0), values, onDuplicate, session);
      } else if (!ins.isModifierIgnore()) {
        throw image.duplicate(key, values, null);
      }
    }
    image.flush(txn, rowFormatV1(session));
    return new QueryResult.Ok(affected, lastInsertId);
  }

  /** Applies ON DUPLICATE KEY UPDATE to the clashing row: 2 affected rows if it changed, else 0. */
  private static long updateOnDuplicate(TableImage image, TableInfo t, TableStore.StoredRow old,
      Object[] inserted, List<UpdateSet> sets, EvalContext session) {
    Object[] values = old.values().clone();
    RowScope scope = new RowScope(session, t, null).withInsertValues(inserted);
    for (UpdateSet us : sets) {
      for (int i = 0; i < us.getColumns().size(); i++) {
        ColumnInfo c = column(t, us.getColumns().get(i));
        Object v = ExpressionEvaluator.eval(us.getValues().get(i), scope.at(values));
        values[c.offset()] = ColumnValues.toMounted(v, c, 1);
        checkNotNull(c, values[c.offset()]);
      }
    }
    if (Arrays.deepEquals(values, old.values())) {
      return 0;
    }
    byte[] key = TableStore.handleKey(t, values);
    if (key == null) {
      key = old.key();
    }
    if (!image.conflicts(key, values, old.key()).isEmpty()) {
      throw image.duplicate(key, values, old.key());
    }
    image.remove(old);
    image.put(key, values);
    return 2;
  }

  QueryResult.Ok update(Update upd, Transaction txn, TableInfo t, EvalContext session) {
    List<ColumnInfo> targets = new ArrayList<>();
    List<Expression> exprs = new ArrayList<>();
    for (UpdateSet us : upd.getUpdateSets()) {
      for (int i = 0; i < us.getColumns().size(); i++) {
        targets.add(column(t, us.getColumns().get(i)));
        exprs.add(us.getValues().get(i));
      }
    }
    String alias = upd.getTable().getAlias() == null ? null : upd.getTable().getAlias().getName();
    RowScope scope = new RowScope(session, t, alias);
    List<TableStore.StoredRow> matched = filter(
        TableStore.candidates(txn, t, upd.getWhere(), session), upd.getWhere(), scope);
    matched = limit(matched, upd.getLimit() == null ? null : upd.getLimit().getRowCount(), session);
    // A pessimistic UPDATE locks every row it matched, changed or not (TiDB's SelectLock).
    matched.forEach(r -> txn.lockAtStatementEnd(r.key()));

    List<Object[]> newValues = new ArrayList<>();
    long rowNum = 0;
    for (TableStore.StoredRow r : matched) {
      rowNum++;
      Object[] values = r.values().clone();
      for (int i = 0; i < targets.size(); i++) {
        ColumnInfo c = targets.get(i);
        // MySQL assigns left to right: later expressions see earlier assignments.
        Object v = ExpressionEvaluator.eval(exprs.get(i), scope.at(values));
        values[c.offset()] = ColumnValues.toMounted(v, c, rowNum);
        checkNotNull(c, values[c.offset()]);
      }
      newValues.add(values);
    }

    // Changed rows leave the image first, so rows may swap key values within one statement.
    TableImage image = TableImage.of(t, txn);
    List<Integer> changed = new ArrayList<>();
    for (int i = 0; i < matched.size(); i++) {
      if (!Arrays.deepEquals(newValues.get(i), matched.get(i).values())) {
        changed.add(i);
        image.remove(matched.get(i));
      }
    }
    for (int i : changed) {
      Object[] values = newValues.get(i);
      byte[] key = TableStore.handleKey(t, values);
      if (key == null) {
        // _tidb_rowid stays; the partition may change with the values.
        long rowId = io.kcdc.tidb.TableCodec.decodeRecordKey(matched.get(i).key()).intHandle();
        key = io.kcdc.tidb.TableCodec.recordKey(Partitioning.physicalId(t, values), rowId);
      }
      if (!image.conflicts(key, values, null).isEmpty()) {
        throw image.duplicate(key, values, null);
      }
      image.put(key, values);
    }
    image.flush(txn, rowFormatV1(session));
    return new QueryResult.Ok(changed.size(), 0);
  }

  QueryResult.Ok delete(Delete del, Transaction txn, TableInfo t, EvalContext session) {
    String alias = del.getTable().getAlias() == null ? null : del.getTable().getAlias().getName();
    RowScope scope = new RowScope(session, t, alias);
    List<TableStore.StoredRow> matched = filter(
        TableStore.candidates(txn, t, del.getWhere(), session), del.getWhere(), scope);
    matched = limit(matched, del.getLimit() == null ? null : del.getLimit().getRowCount(), session);
    for (TableStore.StoredRow r : matched) {
      IndexKeys.write(txn, t, r.key(), null);
      txn.delete(r.key());
    }
    return new QueryResult.Ok(matched.size(), 0);
  }

  static List<TableStore.StoredRow> filter(List<TableStore.StoredRow> rows, Expression where, RowScope scope) {
    if (where == null) {
      return rows;
    }
    List<TableStore.StoredRow> out = new ArrayList<>();
    for (TableStore.StoredRow r : rows) {
      if (Boolean.TRUE.equals(ExpressionEvaluator.truth(where, scope.at(r.values())))) {
        out.add(r);
      }
    }
    return out;
  }

  private static List<TableStore.StoredRow> limit(List<TableStore.StoredRow> rows, Expression count, EvalContext session) {
    if (count == null) {
      return rows;
    }
    long n = (Long) SqlValues.toNumber(ExpressionEvaluator.eval(count, EvalContext.noRow(session)));
    return rows.subList(0, (int) Math.min(n, rows.size()));
  }

  static ColumnInfo column(TableInfo t, Column c) {
    String name = Identifiers.unquote(c.getColumnName());
    return t.columnByName(name).orElseThrow(() -> SqlException.unknownColumn(name));
  }

  private static void checkNotNull(ColumnInfo c, Object v) {
    if (v == null && c.type().notNull()) {
      throw SqlException.badNull(c.name().o());
    }
  }

  private static Object defaultValue(ColumnInfo c, long rowNum) {
    Object d = c.defaultValue();
    if (d == null) {
      if (c.type().notNull()) {
        if (c.type().tp() == MysqlType.TYPE_TIMESTAMP) {
          return ColumnValues.toMounted(now(), c, rowNum);
        }
        throw new SqlException(1364, "HY000", "Field '" + c.name().o() + "' doesn't have a default value");
      }
      return null;
    }
    String text = d.toString();
    if (text.toUpperCase(Locale.ROOT).startsWith("CURRENT_TIMESTAMP")) {
      return ColumnValues.toMounted(now(), c, rowNum);
    }
    return ColumnValues.toMounted(text, c, rowNum);
  }

  private static String now() {
    return LocalDateTime.now(ZoneOffset.UTC).format(DATETIME);
  }

  /** {@code tidb_row_format_version = 1}: rows are written in the legacy v1 format, as old TiDBs did. */
  static boolean rowFormatV1(EvalContext session) {
    return "1".equals(SqlValues.toText(session.variable("tidb_row_format_version", true)));
  }
}
