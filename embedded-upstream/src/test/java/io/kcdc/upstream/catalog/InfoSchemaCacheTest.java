package io.kcdc.upstream.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.MvccStore;
import io.kcdc.upstream.kv.MvccTxnKv;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.TimestampOracle;
import io.kcdc.upstream.kv.Transaction;
import io.kcdc.upstream.kv.TxnKv;
import io.kcdc.upstream.sql.QueryResult;
import io.kcdc.upstream.sql.SqlEngine;
import io.kcdc.upstream.sql.SqlSession;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-memory catalog answers what reading the meta keys answers, version by version. */
class InfoSchemaCacheTest {
  private TxnKv kv;
  private SqlEngine engine;
  private SqlSession s;
  private long db;

  @BeforeEach
  void setUp() {
    kv = new MvccTxnKv(new MvccStore(), new TimestampOracle());
    engine = new SqlEngine(kv, "v").bootstrap();
    s = engine.open(1, "root");
    s.execute("CREATE DATABASE d");
    db = Catalog.database(now(), "d").orElseThrow().id();
  }

  private Snapshot now() {
    return kv.snapshot(kv.currentTs());
  }

  private InfoSchemaCache cache() {
    return engine.infoSchema(); // the one the engine's statements use
  }

  @Test
  void agreesWithTheMetaKeysThroughCreateAlterRenameAndDrop() {
    Snapshot empty = now();
    s.execute("CREATE TABLE d.t1 (id INT PRIMARY KEY)");
    s.execute("CREATE TABLE d.T2 (id INT PRIMARY KEY)");
    Snapshot two = now();
    s.execute("ALTER TABLE d.t1 ADD COLUMN v INT");
    s.execute("RENAME TABLE d.T2 TO d.t3");
    s.execute("DROP TABLE d.t1");
    Snapshot last = now();

    for (Snapshot snap : new Snapshot[] {empty, two, last}) {
      for (String name : new String[] {"t1", "T1", "t2", "t3"}) {
        assertThat(cache().table(snap, db, name)).as("%s at %d", name, snap.readTs())
            .isEqualTo(Catalog.table(snap, db, name));
      }
    }
    assertThat(cache().table(two, db, "T1")).isPresent();
    assertThat(cache().table(two, db, "t1").orElseThrow().columns()).hasSize(1);
    assertThat(cache().table(last, db, "t1")).isEmpty();
    assertThat(cache().table(last, db, "t3").orElseThrow().id())
        .isEqualTo(cache().table(two, db, "t2").orElseThrow().id());
  }

  @Test
  void aTableCreatedOneAfterAnotherIsFoundAsItWasStored() {
    for (int i = 0; i < 50; i++) {
      s.execute("CREATE TABLE d.t" + i + " (id INT PRIMARY KEY, v VARCHAR(8) DEFAULT 'x')");
      TableInfo cached = cache().table(now(), db, "t" + i).orElseThrow();
      assertThat(cached).isEqualTo(Catalog.table(now(), db, "t" + i).orElseThrow());
    }
    s.execute("INSERT INTO d.t49 VALUES (1, 'a')");
    assertThat(((QueryResult.Rows) s.execute("SELECT v FROM d.t49")).rows()).containsExactly(java.util.List.of("a"));
  }

  @Test
  void aTransactionThatWroteMetaKeysReadsThemNotTheCache() {
    s.execute("CREATE TABLE d.t1 (id INT PRIMARY KEY)");
    Transaction txn = kv.begin();
    TableInfo t1 = Catalog.table(txn, db, "t1").orElseThrow();
    Catalog.dropTable(txn, db, t1.id()); // a DDL in progress: no version bump yet
    assertThat(txn.mayHaveWritten(new byte[] {'m'})).isTrue();
    assertThat(cache().table(txn, db, "t1")).isEmpty();
    assertThat(cache().table(now(), db, "t1")).isPresent();
    txn.rollback();

    Transaction dml = kv.begin();
    dml.put("tXYZ".getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    assertThat(dml.mayHaveWritten(new byte[] {'m'})).isFalse();
    assertThat(dml.mayHaveWritten(MetaCodec.hashPrefix(MetaCodec.dbKey(db)))).isFalse();
    assertThat(cache().table(dml, db, "t1")).isPresent();
    dml.rollback();
  }
}
