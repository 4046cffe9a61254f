package io.kcdc.capture.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sysbench-shaped tables ({@code sbtest<i>(id, k, c CHAR(120), pad CHAR(60))}, as sysbench's oltp tests create
 * them) in one database of the upstream TiDB, written through its MySQL protocol as an application would.
 */
public final class SysbenchTables {
  /** Rows per INSERT statement when loading. */
  static final int ROWS_PER_STATEMENT = 500;

  private final String jdbcUrl;
  private final String database;
  private final int tables;

  public SysbenchTables(String jdbcUrl, String database, int tables) {
    this.jdbcUrl = jdbcUrl;
    this.database = database;
    this.tables = tables;
  }

  public String database() {
    return database;
  }

  public void create() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
      for (int t = 1; t <= tables; t++) {
        s.execute("CREATE TABLE " + table(t) + " (id INT NOT NULL, k INT NOT NULL DEFAULT 0, "
            + "c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY k_1 (k))");
      }
    }
  }

  /** Inserts rows {@code 1..rows} spread over the tables, one auto-committed statement of 500 rows at a time. */
  public void load(int rows, int connections) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < connections; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int from = 1 + worker * ROWS_PER_STATEMENT; from <= rows; from += connections * ROWS_PER_STATEMENT) {
              s.execute(insert(from, Math.min(rows, from + ROWS_PER_STATEMENT - 1)));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One INSERT of rows {@code from..to}, all into the table of the statement ({@code from / 500}, round-robin), with
   * sysbench's value shapes (c: 10 groups of 11 digits, 119 characters; pad: 5 groups, 59).
   */
  String insert(int from, int to) {
    int t = 1 + ((from - 1) / ROWS_PER_STATEMENT) % tables;
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table(t)).append(" (id, k, c, pad) VALUES ");
    for (int i = from; i <= to; i++) {
      if (i > from) {
        sql.append(',');
      }
      sql.append('(').append(i).append(',').append(i * 7 % 100_000).append(",'")
          .append(digits(i, 10)).append("','").append(digits(i + 1, 5)).append("')");
    }
    return sql.toString();
  }

  private static String digits(int seed, int groups) {
    StringBuilder b = new StringBuilder(groups * 12);
    long x = seed * 2654435761L;
    for (int g = 0; g < groups; g++) {
      if (g > 0) {
        b.append('-');
      }
      x = x * 6364136223846793005L + 1442695040888963407L;
      String n = Long.toString(Math.abs(x % 100_000_000_000L));
      b.append("0".repeat(11 - n.length())).append(n);
    }
    return b.toString();
  }

  String table(int t) {
    return database + ".sbtest" + t;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "root", "");
  }
}
