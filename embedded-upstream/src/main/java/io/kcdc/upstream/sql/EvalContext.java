package io.kcdc.upstream.sql;

/** What an expression can refer to: the current row's columns and the session. */
public interface EvalContext {

  /** The value of a column of the current row; throws {@link SqlException} if unknown. */
  Object column(String table, String name);

  /** {@code @@name} (system variable) or {@code @name} (user variable). */
  Object variable(String name, boolean system);

  String currentDatabase();

  /** {@code VALUES(col)}: the value an INSERT tried to write (ON DUPLICATE KEY UPDATE only). */
  default Object insertValue(String column) {
    return null;
  }

  /** A context without rows (for VALUES and SELECT without FROM). */
  static EvalContext noRow(EvalContext session) {
    return new EvalContext() {
      @Override
      public Object column(String table, String name) {
        throw SqlException.unknownColumn(name);
      }

      @Override
      public Object variable(String name, boolean system) {
        return session.variable(name, system);
      }

      @Override
      public String currentDatabase() {
        return session.currentDatabase();
      }
    };
  }
}
