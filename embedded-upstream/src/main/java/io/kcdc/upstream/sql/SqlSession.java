package io.kcdc.upstream.sql;

/** One client connection's view of the SQL engine: current database, transaction, variables. */
public interface SqlSession extends AutoCloseable {

  /** Runs one statement; a failing statement throws {@link SqlException}. */
  QueryResult execute(String sql);

  /** {@code COM_INIT_DB} / {@code USE db}. */
  void useDatabase(String db);

  String currentDatabase();

  /** An explicit transaction is open (SERVER_STATUS_IN_TRANS). */
  boolean inTransaction();

  /** SERVER_STATUS_AUTOCOMMIT. */
  boolean autocommit();

  /** Rolls back an open transaction. */
  @Override
  void close();
}
