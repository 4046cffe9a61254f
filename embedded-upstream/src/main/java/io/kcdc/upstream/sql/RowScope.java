package io.kcdc.upstream.sql;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.TableInfo;

/** Evaluation context of one table row: columns resolve to the row's values. */
final class RowScope implements EvalContext {
  private final EvalContext session;
  private final TableInfo table;
  private final String alias;
  private Object[] values;
  private Object[] insertValues;

  RowScope(EvalContext session, TableInfo table, String alias) {
    this.session = session;
    this.table = table;
    this.alias = alias;
  }

  /** The row an INSERT tried to write, for {@code VALUES(col)} in ON DUPLICATE KEY UPDATE. */
  RowScope withInsertValues(Object[] inserted) {
    this.insertValues = inserted;
    return this;
  }

  @Override
  public Object insertValue(String name) {
    if (insertValues == null) {
      return EvalContext.super.insertValue(name);
    }
    ColumnInfo c = table.columnByName(name).orElseThrow(() -> SqlException.unknownColumn(name));
    return ColumnValues.toSql(insertValues[c.offset()], c.type());
  }

  RowScope at(Object[] rowValues) {
    this.values = rowValues;
    return this;
  }

  @Override
  public Object column(String tableName, String name) {
    if (tableName != null && !tableName.equalsIgnoreCase(table.name().o())
        && !tableName.equalsIgnoreCase(alias)) {
      throw SqlException.unknownColumn(tableName + "." + name);
    }
    ColumnInfo c = table.columnByName(name).orElseThrow(() -> SqlException.unknownColumn(name));
    return ColumnValues.toSql(values[c.offset()], c.type());
  }

  @Override
  public Object variable(String name, boolean system) {
    return session.variable(name, system);
  }

  @Override
  public String currentDatabase() {
    return session.currentDatabase();
  }
}
