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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many small tables ({@code t<i>(id BIGINT PRIMARY KEY, k INT, c VARCHAR(32))}) in one database of the upstream TiDB,
 * created through its MySQL protocol over a few connections, and written by statements that each insert a run of
 * ids into one of the first {@code written} tables, round-robin. Ids are unique over all tables, so the sink reader
 * checks exactly-once delivery by id.
 */
final class ManyTables {
  private final String jdbcUrl;
  private final String database;
  private final int tables;

  ManyTables(String jdbcUrl, String database, int tables) {
    this.jdbcUrl = jdbcUrl;
    this.database = database;
    this.tables = tables;
  }

  String database() {
    return database;
  }

  /** Creates the database and the tables over {@code connections} connections (DDL jobs queue in TiDB anyway). */
  void create(int connections) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < connections; w++) {
        done.add(pool.submit(() -> {
          try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int t = next.getAndIncrement(); t < tables; t = next.getAndIncrement()) {
              s.execute("CREATE TABLE " + table(t)
                  + " (id BIGINT NOT NULL PRIMARY KEY, k INT NOT NULL DEFAULT 0, c VARCHAR(32) NOT NULL DEFAULT '')");
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

  /** One INSERT of ids {@code from..to} into table {@code t}. */
  String insert(int t, int from, int to) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table(t)).append(" (id, k, c) VALUES ");
    for (int i = from; i <= to; i++) {
      if (i > from) {
        sql.append(',');
      }
      sql.append('(').append(i).append(',').append(i * 7 % 100_000).append(",'row-").append(i).append("')");
    }
    return sql.toString();
  }

  String table(int t) {
    return database + ".t" + t;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "root", "");
  }
}
