package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.upstream.EmbeddedUpstream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TiDB's default pessimistic transactions through the MySQL front, from several connections. */
class PessimisticTransactionIT {
  private static EmbeddedUpstream upstream;

  @BeforeAll
  static void start() {
    upstream = EmbeddedUpstream.builder().stores(1).start();
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }

  private static Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
    try (Statement st = c.createStatement()) {
      st.execute("USE test");
    }
    return c;
  }

  private static long k(Statement st, long id) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT k FROM counters WHERE id = " + id)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @BeforeEach
  void table() throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS counters");
      st.execute("CREATE TABLE counters (id INT PRIMARY KEY, k INT NOT NULL, UNIQUE KEY uk (k))");
      st.execute("INSERT INTO counters VALUES (1, 0), (2, 1000000), (3, 2000000)");
    }
  }

  @Test
  void defaultModeIsPessimistic() throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@tidb_txn_mode, @@innodb_lock_wait_timeout")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("pessimistic");
      assertThat(rs.getLong(2)).isEqualTo(50);
    }
  }

  @Test
  void concurrentIncrementsInTransactionsAndAutocommitAreNeverLost() throws Exception {
    int threads = 4;
    int times = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(pool.submit(() -> {
          try (Connection c = connect(); Statement st = c.createStatement()) {
            for (int j = 0; j < times; j++) {
              st.execute("BEGIN");
              st.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
              st.execute("COMMIT");
              // Autocommit statements run optimistically and are retried on a conflict.
              st.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 2");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = connect(); Statement st = c.createStatement()) {
      assertThat(k(st, 1)).isEqualTo(threads * times);
      assertThat(k(st, 2)).isEqualTo(1_000_000 + threads * times);
    }
  }

  @Test
  void dmlReadsTheLatestCommittedRowWhileSelectKeepsItsSnapshot() throws SQLException {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      assertThat(k(sa, 1)).isZero();
      sb.executeUpdate("UPDATE counters SET k = 10 WHERE id = 1");
      assertThat(sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1")).isEqualTo(1);
      // Own write over the latest value; other rows still at the start snapshot.
      assertThat(k(sa, 1)).isEqualTo(11);
      sa.execute("COMMIT");
      assertThat(k(sb, 1)).isEqualTo(11);
    }
  }

  @Test
  void lockWaitTimesOutWithError1205AndOnlyTheStatementIsRolledBack() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      sa.executeUpdate("UPDATE counters SET k = 5 WHERE id = 1");
      sb.execute("SET innodb_lock_wait_timeout = 1");
      sb.execute("BEGIN");
      sb.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 3");
      long start = System.nanoTime();
      assertThatThrownBy(() -> sb.executeUpdate("UPDATE counters SET k = 7 WHERE id = 1"))
          .isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(1205);
            assertThat(e.getMessage()).contains("Lock wait timeout exceeded; try restarting transaction");
          });
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(900L, 10_000L);
      // A unique index key is locked too: the holder's new k = 5 blocks another k = 5.
      assertThatThrownBy(() -> sb.executeUpdate("UPDATE counters SET k = 5 WHERE id = 3"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1205));
      sb.execute("COMMIT");
      sa.execute("COMMIT");
      assertThat(k(sa, 1)).isEqualTo(5);
      assertThat(k(sa, 3)).isEqualTo(2_000_001);
    }
  }

  @Test
  void waiterProceedsOnceTheHolderCommits() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
      sb.execute("BEGIN");
      CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return sb.executeUpdate("UPDATE counters SET k = k + 10 WHERE id = 1");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      assertThat(waiting).isNotDone();
      sa.execute("COMMIT");
      assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      sb.execute("COMMIT");
      assertThat(k(sa, 1)).isEqualTo(11);
    }
  }

  @Test
  void anAutocommitStatementWaitsForARowLockedByAnOpenTransaction() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
      CompletableFuture<Integer> autocommit = CompletableFuture.supplyAsync(() -> {
        try {
          return sb.executeUpdate("UPDATE counters SET k = k + 10 WHERE id = 1");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      // Longer than its conflict retries would take: it waits for the lock rather than failing.
      Thread.sleep(1_500);
      assertThat(autocommit).isNotDone();
      sa.execute("COMMIT");
      assertThat(autocommit.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(k(sa, 1)).isEqualTo(11);
    }
  }

  @Test
  void selectForUpdateAndAnUpdateThatChangesNothingLockTheirRows() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      assertThat(k(sa, 1)).isZero();
      sb.executeUpdate("UPDATE counters SET k = 5 WHERE id = 1");
      // FOR UPDATE reads the latest row; a plain SELECT keeps the transaction's snapshot.
      try (ResultSet rs = sa.executeQuery("SELECT k FROM counters WHERE id = 1 FOR UPDATE")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(5);
      }
      assertThat(k(sa, 1)).isZero();
      assertThat(sa.executeUpdate("UPDATE counters SET k = k WHERE id = 3")).isZero();

      sb.execute("SET innodb_lock_wait_timeout = 1");
      sb.execute("BEGIN");
      assertThatThrownBy(() -> sb.executeUpdate("UPDATE counters SET k = 6 WHERE id = 1"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1205));
      assertThatThrownBy(() -> sb.executeUpdate("UPDATE counters SET k = 6 WHERE id = 3"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1205));
      long start = System.nanoTime();
      assertThatThrownBy(() -> sb.executeQuery("SELECT k FROM counters WHERE id = 1 FOR UPDATE NOWAIT"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(3572));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(900);
      sb.execute("ROLLBACK");
      sa.execute("COMMIT");
      // b is free once a is done.
      sb.execute("BEGIN");
      assertThat(sb.executeUpdate("UPDATE counters SET k = 6 WHERE id = 1")).isEqualTo(1);
      sb.execute("COMMIT");
    }
  }

  @Test
  void aConcurrentInsertOfTheSameKeyWaitsThenSeesTheDuplicate() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      sb.execute("BEGIN");
      sa.executeUpdate("INSERT INTO counters VALUES (9, 9)");
      CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
        try {
          return sb.executeUpdate("INSERT INTO counters VALUES (9, 99)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      assertThat(second).isNotDone();
      sa.execute("COMMIT");
      assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(SQLException.class)
          .rootCause().satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1062));
      // Only the statement failed: b's transaction goes on.
      assertThat(sb.executeUpdate("INSERT INTO counters VALUES (10, 10)")).isEqualTo(1);
      sb.execute("COMMIT");
      assertThat(k(sa, 9)).isEqualTo(9);
      assertThat(k(sa, 10)).isEqualTo(10);
    }
  }

  @Test
  void aDeadlockIsError1213AndRollsTheVictimBack() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      sb.execute("BEGIN");
      sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
      sb.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 3");
      CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
        try {
          return sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 3");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      assertThatThrownBy(() -> sb.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1213));
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      sa.execute("COMMIT");
      // b's transaction was rolled back: its COMMIT has nothing left to write.
      sb.execute("COMMIT");
      assertThat(k(sa, 1)).isEqualTo(1);
      assertThat(k(sa, 3)).isEqualTo(2_000_001);
    }
  }

  @Test
  void optimisticModeStaysAvailablePerSessionAndGlobally() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("SET tidb_txn_mode = 'optimistic'");
      sb.execute("SET @@session.tidb_txn_mode = 'optimistic'");
      sa.execute("BEGIN");
      sb.execute("BEGIN");
      sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
      // No lock is taken: b does not wait.
      sb.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
      sa.execute("COMMIT");
      assertThatThrownBy(() -> sb.execute("COMMIT"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(9007));
      assertThat(k(sa, 1)).isEqualTo(1);
      // BEGIN PESSIMISTIC overrides the session mode: b now waits for a's lock.
      sa.execute("BEGIN PESSIMISTIC");
      sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
      sb.execute("SET innodb_lock_wait_timeout = 1");
      sb.execute("BEGIN PESSIMISTIC");
      assertThatThrownBy(() -> sb.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1205));
      sb.execute("ROLLBACK");
      sa.execute("COMMIT");
      // Like TiDB, any mode other than 'pessimistic' (even '') is optimistic.
      sb.execute("SET tidb_txn_mode = ''");
      sb.execute("BEGIN");
      sa.execute("BEGIN PESSIMISTIC");
      sa.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1");
      // b takes no lock, so it does not wait (pessimistic, it would time out after 1 s).
      long start = System.nanoTime();
      assertThat(sb.executeUpdate("UPDATE counters SET k = k + 1 WHERE id = 1")).isEqualTo(1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(900);
      sb.execute("ROLLBACK");
      sa.execute("COMMIT");
    }
    try (Connection g = connect(); Statement sg = g.createStatement()) {
      sg.execute("SET GLOBAL tidb_txn_mode = 'optimistic'");
      // As in MySQL, the session that set it keeps its own value.
      try (ResultSet rs = sg.executeQuery("SELECT @@tidb_txn_mode, @@global.tidb_txn_mode")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("pessimistic");
        assertThat(rs.getString(2)).isEqualTo("optimistic");
      }
      try (Connection n = connect(); Statement sn = n.createStatement();
          ResultSet rs = sn.executeQuery("SELECT @@tidb_txn_mode")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("optimistic");
      } finally {
        sg.execute("SET GLOBAL tidb_txn_mode = 'pessimistic'");
      }
    }
  }
}
