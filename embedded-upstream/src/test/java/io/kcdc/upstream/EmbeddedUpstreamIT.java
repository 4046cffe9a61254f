package io.kcdc.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedUpstreamIT {
  private static EmbeddedUpstream upstream;

  @BeforeAll
  static void start() {
    upstream = EmbeddedUpstream.builder().resolvedTsInterval(Duration.ofMillis(200)).start();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
  }

  private static List<String> rows(Statement st, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  @Test
  void jdbcRoundTripAndTidbEncodedStorage() throws Exception {
    assertThat(upstream.pdAddress()).startsWith("127.0.0.1:");
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS shop");
      st.execute("USE shop");
      st.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR(32) NOT NULL, "
          + "amount DECIMAL(10,2), placed DATETIME, note TEXT, qty INT UNSIGNED DEFAULT 1)");
      assertThat(st.executeUpdate("INSERT INTO orders (id, customer, amount, placed, note) VALUES "
          + "(1, 'ann', 10.5, '2024-01-02 03:04:05', 'first'), (2, 'bob', 20, '2024-02-03 04:05:06', NULL), "
          + "(3, 'cy', 7.25, NULL, 'x'), (4, 'dee', 1, '2024-04-05 06:07:08', 'y')")).isEqualTo(4);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO orders (id, customer, amount) VALUES (?, ?, ?)")) {
        ps.setLong(1, 5);
        ps.setString(2, "it's");
        ps.setBigDecimal(3, new java.math.BigDecimal("99.99"));
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(st.executeUpdate("UPDATE orders SET qty = qty + 1, amount = amount * 2 "
          + "WHERE amount >= 10 AND customer <> 'bob' OR id IN (3)")).isEqualTo(3);
      assertThat(st.executeUpdate("DELETE FROM orders WHERE placed IS NULL AND id BETWEEN 3 AND 3")).isEqualTo(1);

      assertThatThrownBy(() -> st.executeUpdate("INSERT INTO orders (id, customer) VALUES (1, 'dup')"))
          .isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(1062);
            assertThat(e.getSQLState()).isEqualTo("23000");
          });

      c.setAutoCommit(false);
      st.executeUpdate("INSERT INTO orders (id, customer) VALUES (6, 'rolled back')");
      st.executeUpdate("DELETE FROM orders WHERE id = 1");
      assertThat(rows(st, "SELECT COUNT(*) FROM orders")).containsExactly("4");
      c.rollback();
      st.executeUpdate("UPDATE orders SET note = 'committed' WHERE id = 2");
      c.commit();
      c.setAutoCommit(true);

      assertThat(rows(st, "SELECT id, customer, amount, placed, note, qty FROM orders ORDER BY id")).containsExactly(
          "1|ann|21.00|2024-01-02 03:04:05|first|2",
          "2|bob|20.00|2024-02-03 04:05:06|committed|1",
          "4|dee|1.00|2024-04-05 06:07:08|y|1",
          "5|it's|199.98|null|null|2");
      assertThat(rows(st, "SELECT customer FROM orders WHERE amount > 5 ORDER BY amount DESC LIMIT 2"))
          .containsExactly("it's", "ann");
      assertThat(rows(st, "SELECT DATABASE()")).containsExactly("shop");
      assertThat(rows(st, "SHOW TABLES")).containsExactly("orders");
    }

    // The same rows, read from the KV store as TiCDC's mounter would.
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    DBInfo db = null;
    for (KvPair p : snap.scan(MetaCodec.hashPrefix(MetaCodec.DBS),
        MetaCodec.prefixEnd(MetaCodec.hashPrefix(MetaCodec.DBS)), 100)) {
      DBInfo candidate = SchemaJson.read(p.value(), DBInfo.class);
      if (candidate.name().l().equals("shop")) {
        db = candidate;
      }
    }
    assertThat(db).isNotNull();
    TableInfo table = null;
    byte[] hash = MetaCodec.hashPrefix(MetaCodec.dbKey(db.id()));
    for (KvPair p : snap.scan(hash, MetaCodec.prefixEnd(hash), 100)) {
      if (MetaCodec.isTableField(MetaCodec.hashField(p.key()))) {
        table = SchemaJson.read(p.value(), TableInfo.class);
      }
    }
    assertThat(table).isNotNull();
    assertThat(table.name().o()).isEqualTo("orders");
    assertThat(table.pkIsHandle()).isTrue();
    byte[] prefix = TableCodec.recordPrefix(table.id());
    List<String> decoded = new ArrayList<>();
    for (KvPair p : snap.scan(prefix, MetaCodec.prefixEnd(prefix), 100)) {
      Object[] v = RowDecoder.decode(table, p.key(), p.value());
      decoded.add(TableCodec.decodeRecordKey(p.key()).intHandle() + ":" + v[0] + "|"
          + new String((byte[]) v[1], StandardCharsets.UTF_8) + "|" + v[2] + "|" + v[3] + "|" + v[5]);
    }
    assertThat(decoded).containsExactly(
        "1:1|ann|21.00|2024-01-02 03:04:05|2",
        "2:2|bob|20.00|2024-02-03 04:05:06|1",
        "4:4|dee|1.00|2024-04-05 06:07:08|1",
        "5:5|it's|199.98|null|2");
  }

  @Test
  void concurrentConnectionsSeeCommittedDataOnly() throws Exception {
    try (Connection a = connect(); Connection b = connect();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("CREATE DATABASE iso");
      sa.execute("CREATE TABLE iso.kv (k VARCHAR(10) PRIMARY KEY, v INT)");
      a.setAutoCommit(false);
      sa.executeUpdate("INSERT INTO iso.kv VALUES ('a', 1)");
      assertThat(rows(sb, "SELECT COUNT(*) FROM iso.kv")).containsExactly("0");
      a.commit();
      assertThat(rows(sb, "SELECT k, v FROM iso.kv")).containsExactly("a|1");
      assertThat(a.getAutoCommit()).isFalse();
    }
  }

  @Test
  void multiStatementQueriesAndDdl() throws Exception {
    try (Connection c = DriverManager.getConnection(upstream.jdbcUrl() + "?allowMultiQueries=true", "root", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE multi; CREATE TABLE multi.t (id INT PRIMARY KEY, v VARCHAR(4)); "
          + "INSERT INTO multi.t VALUES (1, 'a;'), (2, 'b')");
      st.execute("ALTER TABLE multi.t ADD COLUMN w INT DEFAULT 7");
      assertThat(rows(st, "SELECT id, v, w FROM multi.t ORDER BY id")).containsExactly("1|a;|7", "2|b|7");
      st.execute("TRUNCATE TABLE multi.t");
      assertThat(rows(st, "SELECT COUNT(*) FROM multi.t")).containsExactly("0");
    }
  }

  @Test
  void inProcessSessionSharesTheEngine() throws Exception {
    try (io.kcdc.upstream.sql.SqlSession session = upstream.openSession()) {
      session.execute("CREATE DATABASE inproc");
      session.execute("CREATE TABLE inproc.t (id INT PRIMARY KEY)");
      session.execute("INSERT INTO inproc.t VALUES (1), (2)");
    }
    try (Connection c = connect(); Statement st = c.createStatement()) {
      assertThat(rows(st, "SELECT COUNT(*) FROM inproc.t")).containsExactly("2");
    }
  }

  /**
   * TiDB splits a region at each new table's prefix (its {@code split-table} setting, on by default; "Split Region"
   * in TiDB's docs): a table, each partition of a partitioned one and a truncated table's new id start a region of
   * their own.
   */
  @Test
  void everyNewTableStartsARegionOfItsOwn() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE split_db");
      st.execute("CREATE TABLE split_db.a (id INT PRIMARY KEY)");
      st.execute("CREATE TABLE split_db.b (id INT PRIMARY KEY)");
      st.execute("CREATE TABLE split_db.p (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 3");
      st.execute("TRUNCATE TABLE split_db.b");
    }
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    DBInfo db = io.kcdc.upstream.catalog.Catalog.database(snap, "split_db").orElseThrow();
    List<Long> ids = new ArrayList<>();
    for (String t : List.of("a", "b", "p")) {
      ids.addAll(io.kcdc.upstream.catalog.Catalog.table(snap, db.id(), t).orElseThrow().physicalTableIds());
    }
    assertThat(ids).hasSize(5);
    for (long id : ids) {
      byte[] prefix = io.kcdc.tidb.Codec.encodeBytes(TableCodec.tablePrefix(id));
      assertThat(upstream.cluster().regions().regionOf(prefix).span().start()).as("table %d", id).isEqualTo(prefix);
    }
  }
}
