package io.kcdc.upstream.sql;

/** A statement failed with a MySQL error code and SQLSTATE, as TiDB would report it. */
public class SqlException extends RuntimeException {
  private final int code;
  private final String sqlState;

  public SqlException(int code, String sqlState, String message) {
    super(message);
    this.code = code;
    this.sqlState = sqlState;
  }

  public int code() {
    return code;
  }

  public String sqlState() {
    return sqlState;
  }

  public static SqlException parse(String detail) {
    return new SqlException(1064, "42000", "You have an error in your SQL syntax; " + detail);
  }

  public static SqlException unsupported(String what) {
    return new SqlException(1235, "42000", "This version of TiDB doesn't yet support '" + what + "'");
  }

  /** TiDB's {@code ErrEntryTooLarge}: one key-value pair over {@code txn-entry-size-limit}. */
  public static SqlException entryTooLarge(int limit, int size) {
    return new SqlException(8025, "HY000", "entry too large, the max entry size is " + limit + ", the size of data is " + size);
  }

  public static SqlException noDatabase() {
    return new SqlException(1046, "3D000", "No database selected");
  }

  public static SqlException unknownDatabase(String db) {
    return new SqlException(1049, "42000", "Unknown database '" + db + "'");
  }

  public static SqlException databaseExists(String db) {
    return new SqlException(1007, "HY000", "Can't create database '" + db + "'; database exists");
  }

  public static SqlException tableExists(String table) {
    return new SqlException(1050, "42S01", "Table '" + table + "' already exists");
  }

  public static SqlException unknownTable(String db, String table) {
    return new SqlException(1146, "42S02", "Table '" + db + "." + table + "' doesn't exist");
  }

  public static SqlException unknownColumn(String column) {
    return new SqlException(1054, "42S22", "Unknown column '" + column + "' in 'field list'");
  }

  public static SqlException duplicateEntry(String value, String key) {
    return new SqlException(1062, "23000", "Duplicate entry '" + value + "' for key '" + key + "'");
  }

  public static SqlException badNull(String column) {
    return new SqlException(1048, "23000", "Column '" + column + "' cannot be null");
  }

  public static SqlException columnCount(long row) {
    return new SqlException(1136, "21S01", "Column count doesn't match value count at row " + row);
  }

  public static SqlException outOfRange(String column, long row) {
    return new SqlException(
        1264, "22003", "Out of range value for column '" + column + "' at row " + row);
  }

  public static SqlException dataTruncated(String column, long row) {
    return new SqlException(1265, "01000", "Data truncated for column '" + column + "' at row " + row);
  }

  public static SqlException dataTooLong(String column, long row) {
    return new SqlException(1406, "22001", "Data too long for column '" + column + "' at row " + row);
  }

  public static SqlException incorrectValue(String type, String value, String column) {
    return new SqlException(
        1366, "HY000", "Incorrect " + type + " value: '" + value + "' for column '" + column + "'");
  }

  public static SqlException lockWaitTimeout() {
    return new SqlException(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction");
  }

  public static SqlException deadlock() {
    return new SqlException(1213, "40001", "Deadlock found when trying to get lock; try restarting transaction");
  }

  public static SqlException writeConflict(String detail) {
    return new SqlException(
        9007, "HY000", "Write conflict, " + detail + " [try again later]");
  }
}
