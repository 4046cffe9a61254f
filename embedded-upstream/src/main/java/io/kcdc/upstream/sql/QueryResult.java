package io.kcdc.upstream.sql;

import java.util.List;

/** What one statement returns: an OK summary or a result set. */
public sealed interface QueryResult {

  /** A statement without rows: affected rows and the last AUTO_INCREMENT id it generated. */
  record Ok(long affectedRows, long lastInsertId) implements QueryResult {
    public static final Ok EMPTY = new Ok(0, 0);
  }

  /** Rows in the text protocol's form: each value is its MySQL text or {@code null}. */
  record Rows(List<ResultColumn> columns, List<List<String>> rows) implements QueryResult {
    public Rows {
      columns = List.copyOf(columns);
      rows = List.copyOf(rows);
    }
  }
}
