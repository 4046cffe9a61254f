package io.kcdc.upstream.catalog;

/** A schema object is missing or already there; the SQL layer maps these to MySQL errors. */
public abstract sealed class SchemaException extends RuntimeException {
  SchemaException(String message) {
    super(message);
  }

  /** The database exists. */
  public static final class DatabaseExists extends SchemaException {
    public final String database;

    public DatabaseExists(String database) {
      super("database exists: " + database);
      this.database = database;
    }
  }

  /** No such database. */
  public static final class UnknownDatabase extends SchemaException {
    public final String database;

    public UnknownDatabase(String database) {
      super("unknown database: " + database);
      this.database = database;
    }
  }

  /** The table exists. */
  public static final class TableExists extends SchemaException {
    public final String table;

    public TableExists(String table) {
      super("table exists: " + table);
      this.table = table;
    }
  }

  /** No such table. */
  public static final class UnknownTable extends SchemaException {
    public final String database;
    public final String table;

    public UnknownTable(String database, String table) {
      super("unknown table: " + database + "." + table);
      this.database = database;
      this.table = table;
    }
  }

  /** A schema change TiDB refuses, with the MySQL error code and message it answers. */
  public static final class Unsupported extends SchemaException {
    public final int code;

    public Unsupported(int code, String message) {
      super(message);
      this.code = code;
    }
  }
}
