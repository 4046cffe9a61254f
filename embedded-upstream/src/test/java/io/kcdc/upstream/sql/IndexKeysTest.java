package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.CommonHandle;
import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.TxnKv;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IndexKeysTest {
  private TxnKv kv;
  private SqlSession s;

  @BeforeEach
  void setUp() {
    kv = MemoryKv.create().txnKv();
    s = new SqlEngine(kv, "v").bootstrap().open(1, "root");
    s.execute("CREATE DATABASE d");
    s.execute("USE d");
    s.execute("CREATE TABLE t (id INT PRIMARY KEY, k INT, c CHAR(4), UNIQUE KEY uc (c))");
  }

  private TableInfo table() {
    Snapshot snap = kv.snapshot(kv.currentTs());
    DBInfo db = Catalog.database(snap, "d").orElseThrow();
    return Catalog.table(snap, db.id(), "t").orElseThrow();
  }

  private List<String> entries(TableInfo t, long indexId) {
    byte[] prefix = TableCodec.indexPrefix(t.id(), indexId);
    return kv.snapshot(kv.currentTs()).scan(prefix, MetaCodec.prefixEnd(prefix), 100).stream()
        .map(p -> HexFormat.of().formatHex(p.key(), prefix.length, p.key().length) + "=" + HexFormat.of().formatHex(p.value()))
        .toList();
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static String intDatum(long v) {
    return "03" + hex(Codec.encodeInt(v));
  }

  private static String charDatum(TableInfo t, String v) {
    return hex(CommonHandle.encode(List.of(t.columns().get(2).type()), List.of(v)));
  }

  @Test
  void uniqueEntriesMapValuesToTheHandleAndOthersCarryTheHandleInTheKey() {
    s.execute("INSERT INTO t VALUES (1, 10, 'a'), (2, 10, NULL)");
    s.execute("CREATE INDEX k_1 ON t(k)");
    TableInfo t = table();
    long uc = t.indices().get(0).id();
    long k1 = t.indices().get(1).id();
    assertThat(entries(t, uc)).containsExactlyInAnyOrder(
        charDatum(t, "a") + "=" + hex(Codec.encodeInt(1)),
        // A NULL in a unique index does not clash, so the handle joins the key.
        "00" + intDatum(2) + "=30");
    // Rows inserted before CREATE INDEX are backfilled.
    assertThat(entries(t, k1)).containsExactly(intDatum(10) + intDatum(1) + "=30", intDatum(10) + intDatum(2) + "=30");

    s.execute("UPDATE t SET k = k + 1 WHERE id = 1");
    assertThat(entries(t, k1)).containsExactly(intDatum(10) + intDatum(2) + "=30", intDatum(11) + intDatum(1) + "=30");
    s.execute("DELETE FROM t WHERE id = 2");
    assertThat(entries(t, k1)).containsExactly(intDatum(11) + intDatum(1) + "=30");
    assertThat(entries(t, uc)).containsExactly(charDatum(t, "a") + "=" + hex(Codec.encodeInt(1)));
  }

  @Test
  void uniqueChecksFindTheHolderThroughTheIndexEntry() {
    s.execute("INSERT INTO t VALUES (1, 1, 'a'), (2, 2, 'b')");
    assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (3, 3, 'b')"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.getMessage()).isEqualTo("Duplicate entry 'b' for key 't.uc'"));
    assertThatThrownBy(() -> s.execute("UPDATE t SET c = 'a' WHERE id = 2"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1062));
    s.execute("DELETE FROM t WHERE id = 1");
    s.execute("UPDATE t SET c = 'a' WHERE id = 2");
    s.execute("INSERT INTO t VALUES (3, 3, 'b')");
    assertThat(((QueryResult.Rows) s.execute("SELECT id, c FROM t ORDER BY id")).rows())
        .containsExactly(List.of("2", "a"), List.of("3", "b"));
    s.execute("INSERT INTO t VALUES (4, 4, 'a') ON DUPLICATE KEY UPDATE k = 40");
    assertThat(((QueryResult.Rows) s.execute("SELECT id, k FROM t WHERE c = 'a'")).rows())
        .containsExactly(List.of("2", "40"));
  }
}
