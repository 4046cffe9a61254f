package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionTest {
  private MemoryTxnKv kv;
  private SqlEngine engine;
  private Session s;

  @BeforeEach
  void setUp() {
    kv = new MemoryTxnKv();
    engine = new SqlEngine(kv, "8.0.11-TiDB-test").bootstrap();
    s = engine.open(1, "root");
    s.execute("CREATE DATABASE shop");
    s.execute("USE shop");
    s.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(10,2), qty INT DEFAULT 5)");
  }

  private List<List<String>> rows(String sql) {
    return ((QueryResult.Rows) s.execute(sql)).rows();
  }

  @Test
  void insertSelectUpdateDelete() {
    QueryResult.Ok ins = (QueryResult.Ok) s.execute(
        "INSERT INTO item (id, name, price) VALUES (1, 'apple', 1.5), (2, 'pear', 2), (3, 'fig', NULL)");
    assertThat(ins.affectedRows()).isEqualTo(3);
    assertThat(rows("SELECT * FROM item ORDER BY id")).containsExactly(
        List.of("1", "apple", "1.50", "5"), List.of("2", "pear", "2.00", "5"),
        java.util.Arrays.asList("3", "fig", null, "5"));

    QueryResult.Ok upd = (QueryResult.Ok) s.execute("UPDATE item SET qty = qty + 1, price = price * 2 WHERE id IN (1, 3) OR name = 'none'");
    assertThat(upd.affectedRows()).isEqualTo(2);
    assertThat(rows("SELECT id, qty, price FROM item WHERE qty > 5 ORDER BY id DESC"))
        .containsExactly(java.util.Arrays.asList("3", "6", null), List.of("1", "6", "3.00"));

    QueryResult.Ok del = (QueryResult.Ok) s.execute("DELETE FROM item WHERE price IS NULL OR id BETWEEN 2 AND 2");
    assertThat(del.affectedRows()).isEqualTo(2);
    assertThat(rows("SELECT COUNT(*) FROM item")).containsExactly(List.of("1"));
    assertThat(rows("SELECT name FROM item WHERE NOT id <> 1")).containsExactly(List.of("apple"));
  }

  @Test
  void duplicatePrimaryKeyIsError1062AndLeavesNoRows() {
    s.execute("INSERT INTO item (id, name) VALUES (1, 'a')");
    assertThatThrownBy(() -> s.execute("INSERT INTO item (id, name) VALUES (2, 'b'), (1, 'c')"))
        .isInstanceOfSatisfying(SqlException.class, e -> {
          assertThat(e.code()).isEqualTo(1062);
          assertThat(e.sqlState()).isEqualTo("23000");
          assertThat(e.getMessage()).isEqualTo("Duplicate entry '1' for key 'item.PRIMARY'");
        });
    assertThat(rows("SELECT id FROM item")).containsExactly(List.of("1"));
  }

  /** As TiDB (pingcap/tidb tests/realtikvtest/txntest/txn_test.go): 6 MiB per row by default, [kv:8025] above. */
  @Test
  void aRowOverTheEntrySizeLimitIsError8025AndARowUnderItIsStored() {
    s.execute("CREATE TABLE doc (id INT PRIMARY KEY, body LONGTEXT)");
    s.execute("INSERT INTO doc VALUES (1, '" + "a".repeat(6_000_000) + "')");
    assertThatThrownBy(() -> s.execute("INSERT INTO doc VALUES (2, '" + "a".repeat(7 << 20) + "')"))
        .isInstanceOfSatisfying(SqlException.class, e -> {
          assertThat(e.code()).isEqualTo(8025);
          assertThat(e.getMessage()).startsWith("entry too large, the max entry size is 6291456, the size of data is ");
        });
    assertThat(rows("SELECT id, LENGTH(body) FROM doc")).containsExactly(List.of("1", "6000000"));
  }

  @Test
  void transactionRollbackAndCommit() {
    s.execute("BEGIN");
    assertThat(s.inTransaction()).isTrue();
    s.execute("INSERT INTO item (id, name) VALUES (10, 'x')");
    assertThat(rows("SELECT id FROM item")).containsExactly(List.of("10"));
    Session other = engine.open(2, "root");
    assertThat(((QueryResult.Rows) other.execute("SELECT COUNT(*) FROM shop.item")).rows())
        .containsExactly(List.of("0"));
    s.execute("ROLLBACK");
    assertThat(s.inTransaction()).isFalse();
    assertThat(rows("SELECT COUNT(*) FROM item")).containsExactly(List.of("0"));

    long before = kv.commits.get();
    s.execute("START TRANSACTION");
    s.execute("INSERT INTO item (id, name) VALUES (11, 'y')");
    s.execute("UPDATE item SET name = 'z' WHERE id = 11");
    s.execute("COMMIT");
    assertThat(kv.commits.get()).isEqualTo(before + 1);
    assertThat(((QueryResult.Rows) other.execute("SELECT name FROM shop.item")).rows())
        .containsExactly(List.of("z"));
  }

  @Test
  void autocommitOffKeepsOneTransaction() {
    s.execute("SET autocommit = 0");
    assertThat(s.autocommit()).isFalse();
    s.execute("INSERT INTO item (id, name) VALUES (1, 'a')");
    assertThat(s.inTransaction()).isTrue();
    s.execute("ROLLBACK");
    s.execute("SET @@session.autocommit = ON");
    assertThat(s.autocommit()).isTrue();
    assertThat(rows("SELECT COUNT(*) FROM item")).containsExactly(List.of("0"));
  }

  @Test
  void typeChecks() {
    assertThatThrownBy(() -> s.execute("INSERT INTO item (id) VALUES (1)"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1364));
    assertThatThrownBy(() -> s.execute("INSERT INTO item (id, name) VALUES (1, NULL)"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1048));
    assertThatThrownBy(() -> s.execute("INSERT INTO item (id, name) VALUES (1, 'abcdefghijklmnopqrstuvwxyz')"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1406));
    assertThatThrownBy(() -> s.execute("INSERT INTO item (id, name) VALUES (3000000000, 'a')"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1264));
    assertThatThrownBy(() -> s.execute("SELECT * FROM nope"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1146));
  }

  @Test
  void autoIncrementAndRowIdTables() {
    s.execute("CREATE TABLE log (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, msg TEXT)");
    QueryResult.Ok first = (QueryResult.Ok) s.execute("INSERT INTO log (msg) VALUES ('a'), ('b')");
    assertThat(first.lastInsertId()).isEqualTo(1);
    s.execute("INSERT INTO log VALUES (10, 'c')");
    s.execute("INSERT INTO log (msg) VALUES ('d')");
    assertThat(rows("SELECT id, msg FROM log ORDER BY id")).containsExactly(
        List.of("1", "a"), List.of("2", "b"), List.of("10", "c"), List.of("11", "d"));

    s.execute("CREATE TABLE nokey (a INT, b VARCHAR(5))");
    s.execute("INSERT INTO nokey VALUES (1, 'x'), (1, 'x')");
    s.execute("UPDATE nokey SET b = 'y' LIMIT 1");
    assertThat(rows("SELECT b FROM nokey ORDER BY b")).containsExactly(List.of("x"), List.of("y"));
  }

  @Test
  void sessionQueriesClientsSendOnConnect() {
    assertThat(rows("SELECT @@version_comment LIMIT 1").get(0).get(0)).startsWith("TiDB Server");
    assertThat(rows("SELECT DATABASE()")).containsExactly(List.of("shop"));
    assertThat(rows("SELECT @@max_allowed_packet, @@session.transaction_isolation"))
        .containsExactly(List.of("67108864", "REPEATABLE-READ"));
    s.execute("SET NAMES utf8mb4");
    assertThat(rows("SHOW DATABASES")).contains(List.of("shop"), List.of("test"), List.of("mysql"));
    assertThat(rows("SHOW TABLES")).containsExactly(List.of("item"));
    assertThat(((QueryResult.Rows) s.execute("SHOW TABLES")).columns().get(0).name()).isEqualTo("Tables_in_shop");
  }

  @Test
  void writeConflictBetweenExplicitTransactions() {
    s.execute("INSERT INTO item (id, name) VALUES (1, 'a')");
    Session other = engine.open(2, "root");
    other.execute("USE shop");
    s.execute("BEGIN");
    other.execute("BEGIN");
    s.execute("UPDATE item SET qty = 1 WHERE id = 1");
    other.execute("UPDATE item SET qty = 2 WHERE id = 1");
    s.execute("COMMIT");
    assertThatThrownBy(() -> other.execute("COMMIT"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(9007));
    assertThat(rows("SELECT qty FROM item")).containsExactly(List.of("1"));
  }

  @Test
  void uniqueKeyAndCommonHandle() {
    s.execute("CREATE TABLE u (code VARCHAR(10) PRIMARY KEY, email VARCHAR(30), UNIQUE KEY uk_email (email))");
    s.execute("INSERT INTO u VALUES ('a', 'x@y'), ('b', NULL), ('c', NULL)");
    assertThatThrownBy(() -> s.execute("INSERT INTO u VALUES ('d', 'x@y')"))
        .isInstanceOfSatisfying(SqlException.class,
            e -> assertThat(e.getMessage()).isEqualTo("Duplicate entry 'x@y' for key 'u.uk_email'"));
    assertThatThrownBy(() -> s.execute("INSERT INTO u VALUES ('a', 'q')"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1062));
    s.execute("UPDATE u SET code = 'z' WHERE code = 'a'");
    assertThat(rows("SELECT code FROM u ORDER BY code")).containsExactly(List.of("b"), List.of("c"), List.of("z"));
  }

  @Test
  void alterTruncateAndDrop() {
    s.execute("INSERT INTO item (id, name) VALUES (1, 'a')");
    s.execute("ALTER TABLE item ADD COLUMN color VARCHAR(8) NOT NULL DEFAULT 'red'");
    s.execute("INSERT INTO item (id, name, color) VALUES (2, 'b', 'blue')");
    // The old row has no value for the new column: it reads the origin default.
    assertThat(rows("SELECT id, color FROM item ORDER BY id")).containsExactly(List.of("1", "red"), List.of("2", "blue"));
    s.execute("ALTER TABLE item DROP COLUMN price");
    assertThat(rows("SELECT * FROM item WHERE id = 2")).containsExactly(List.of("2", "b", "5", "blue"));
    assertThatThrownBy(() -> s.execute("SELECT price FROM item"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1054));

    s.execute("TRUNCATE TABLE item");
    assertThat(rows("SELECT COUNT(*) FROM item")).containsExactly(List.of("0"));
    s.execute("INSERT INTO item (id, name) VALUES (1, 'again')");
    assertThat(rows("SELECT name, color FROM item")).containsExactly(List.of("again", "red"));

    s.execute("DROP TABLE item");
    assertThatThrownBy(() -> s.execute("SELECT * FROM item"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1146));
    s.execute("DROP TABLE IF EXISTS item");
    s.execute("DROP DATABASE shop");
    assertThat(rows("SHOW DATABASES")).doesNotContain(List.of("shop"));
    assertThat(s.currentDatabase()).isNull();
  }

  @Test
  void replaceIgnoreAndOnDuplicateKeyUpdate() {
    s.execute("CREATE TABLE kv (k INT PRIMARY KEY, v INT, tag VARCHAR(4), UNIQUE KEY uk_tag (tag))");
    s.execute("INSERT INTO kv VALUES (1, 10, 'a'), (2, 20, 'b')");
    QueryResult.Ok ignored = (QueryResult.Ok) s.execute("INSERT IGNORE INTO kv VALUES (1, 99, 'z'), (3, 30, 'c')");
    assertThat(ignored.affectedRows()).isEqualTo(1);
    QueryResult.Ok upsert = (QueryResult.Ok) s.execute(
        "INSERT INTO kv VALUES (2, 5, 'q') ON DUPLICATE KEY UPDATE v = v + VALUES(v)");
    assertThat(upsert.affectedRows()).isEqualTo(2);
    // REPLACE removes every row it clashes with: k=1 by key and k=3 by tag 'c'.
    QueryResult.Ok replaced = (QueryResult.Ok) s.execute("REPLACE INTO kv VALUES (1, 11, 'c')");
    assertThat(replaced.affectedRows()).isEqualTo(3);
    assertThat(rows("SELECT k, v, tag FROM kv ORDER BY k"))
        .containsExactly(List.of("1", "11", "c"), List.of("2", "25", "b"));
    assertThatThrownBy(() -> s.execute("INSERT INTO kv VALUES (9, 0, 'b')"))
        .isInstanceOfSatisfying(SqlException.class,
            e -> assertThat(e.getMessage()).isEqualTo("Duplicate entry 'b' for key 'kv.uk_tag'"));
  }

  @Test
  void primaryKeyPredicatesReadOnlyThoseRowsButStillFilter() {
    s.execute("INSERT INTO item (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    assertThat(rows("SELECT name FROM item WHERE id = 2 AND name = 'b'")).containsExactly(List.of("b"));
    assertThat(rows("SELECT name FROM item WHERE id = 2 AND name = 'x'")).isEmpty();
    assertThat(rows("SELECT name FROM item WHERE id IN (3, 1, 7) ORDER BY name")).containsExactly(List.of("a"), List.of("c"));
    assertThat(rows("SELECT name FROM item WHERE '3' = id")).containsExactly(List.of("c"));
    assertThat(((QueryResult.Ok) s.execute("DELETE FROM item WHERE id = 99")).affectedRows()).isZero();
    assertThat(((QueryResult.Ok) s.execute("UPDATE item SET id = 4 WHERE id = 3")).affectedRows()).isEqualTo(1);
    assertThatThrownBy(() -> s.execute("UPDATE item SET id = 1 WHERE id = 2"))
        .isInstanceOfSatisfying(SqlException.class,
            e -> assertThat(e.getMessage()).isEqualTo("Duplicate entry '1' for key 'item.PRIMARY'"));
    assertThat(rows("SELECT id FROM item ORDER BY id")).containsExactly(List.of("1"), List.of("2"), List.of("4"));
  }

  @Test
  void primaryKeyRangesReadOnlyTheirKeysAndSeeTheOpenTransaction() {
    for (int i = -2; i <= 10; i++) {
      s.execute("INSERT INTO item (id, name) VALUES (" + i + ", 'n" + i + "')");
    }
    assertThat(rows("SELECT id FROM item WHERE id BETWEEN 3 AND 5 ORDER BY id"))
        .containsExactly(List.of("3"), List.of("4"), List.of("5"));
    assertThat(rows("SELECT id FROM item WHERE id BETWEEN -1.5 AND 1.5 ORDER BY id"))
        .containsExactly(List.of("-1"), List.of("0"), List.of("1"));
    assertThat(rows("SELECT id FROM item WHERE id BETWEEN 5 AND 3")).isEmpty();
    assertThat(rows("SELECT id FROM item WHERE id BETWEEN NULL AND 3")).isEmpty();
    assertThat(rows("SELECT SUM(id) FROM item WHERE id BETWEEN 8 AND 99999999999999999999 AND name <> 'n9'"))
        .containsExactly(List.of("18"));
    s.execute("BEGIN");
    s.execute("DELETE FROM item WHERE id BETWEEN 4 AND 5");
    s.execute("INSERT INTO item (id, name) VALUES (11, 'new')");
    assertThat(rows("SELECT id FROM item WHERE id BETWEEN 3 AND 11 ORDER BY id DESC LIMIT 3"))
        .containsExactly(List.of("11"), List.of("10"), List.of("9"));
    assertThat(rows("SELECT COUNT(*) FROM item WHERE id BETWEEN 3 AND 6")).containsExactly(List.of("2"));
    s.execute("COMMIT");
    assertThat(rows("SELECT COUNT(*) FROM item")).containsExactly(List.of("12"));
  }
}
