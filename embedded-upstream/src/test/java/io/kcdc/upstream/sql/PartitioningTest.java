package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.PartitionInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.TxnKv;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitioningTest {
  private TxnKv kv;
  private SqlSession s;

  @BeforeEach
  void setUp() {
    kv = MemoryKv.create().txnKv();
    s = new SqlEngine(kv, "v").bootstrap().open(1, "root");
    s.execute("CREATE DATABASE d");
    s.execute("USE d");
  }

  private TableInfo table(String name) {
    Snapshot snap = kv.snapshot(kv.currentTs());
    DBInfo db = Catalog.database(snap, "d").orElseThrow();
    return Catalog.table(snap, db.id(), name).orElseThrow();
  }

  /** The handles stored under one physical table id. */
  private List<Long> handlesUnder(long physicalId) {
    byte[] prefix = TableCodec.recordPrefix(physicalId);
    return kv.snapshot(kv.currentTs()).scan(prefix, MetaCodec.prefixEnd(prefix), 100).stream()
        .map(KvPair::key).map(k -> TableCodec.decodeRecordKey(k).intHandle()).toList();
  }

  private List<List<String>> rows(String sql) {
    return ((QueryResult.Rows) s.execute(sql)).rows();
  }

  @Test
  void rangePartitionsKeyRowsByTheirPhysicalIds() {
    s.execute("CREATE TABLE r (id INT PRIMARY KEY, v VARCHAR(8)) PARTITION BY RANGE (id) "
        + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20), PARTITION pmax VALUES LESS THAN MAXVALUE)");
    TableInfo t = table("r");
    PartitionInfo p = t.partition();
    assertThat(p.type()).isEqualTo(PartitionInfo.TYPE_RANGE);
    assertThat(p.expr()).isEqualTo("id");
    assertThat(p.definitions()).extracting(d -> d.name().o() + "<" + d.lessThan().get(0))
        .containsExactly("p0<10", "p1<20", "pmax<MAXVALUE");
    List<Long> ids = p.definitions().stream().map(PartitionDefinition::id).toList();
    assertThat(ids).doesNotHaveDuplicates().doesNotContain(t.id()).allSatisfy(id -> assertThat(id).isGreaterThan(t.id()));

    s.execute("INSERT INTO r VALUES (1, 'a'), (15, 'b'), (19, 'c'), (100, 'd')");
    assertThat(handlesUnder(ids.get(0))).containsExactly(1L);
    assertThat(handlesUnder(ids.get(1))).containsExactly(15L, 19L);
    assertThat(handlesUnder(ids.get(2))).containsExactly(100L);
    assertThat(handlesUnder(t.id())).isEmpty();
    assertThat(rows("SELECT id, v FROM r WHERE id = 15")).containsExactly(List.of("15", "b"));
    assertThat(rows("SELECT COUNT(*) FROM r")).containsExactly(List.of("4"));

    // An update of the partitioning column moves the row to its new partition.
    s.execute("UPDATE r SET id = 5 WHERE id = 19");
    assertThat(handlesUnder(ids.get(0))).containsExactly(1L, 5L);
    assertThat(handlesUnder(ids.get(1))).containsExactly(15L);
    s.execute("DELETE FROM r WHERE id = 100");
    assertThat(handlesUnder(ids.get(2))).isEmpty();

    s.execute("TRUNCATE TABLE r");
    TableInfo truncated = table("r");
    List<Long> newIds = truncated.partition().definitions().stream().map(PartitionDefinition::id).toList();
    assertThat(newIds).doesNotContainAnyElementsOf(ids).hasSize(3);
    assertThat(rows("SELECT COUNT(*) FROM r")).containsExactly(List.of("0"));
  }

  @Test
  void hashPartitionsUseTheRemainderAndRowIdTablesToo() {
    s.execute("CREATE TABLE h (a INT, b INT) PARTITION BY HASH (a) PARTITIONS 3");
    TableInfo t = table("h");
    assertThat(t.partition().type()).isEqualTo(PartitionInfo.TYPE_HASH);
    assertThat(t.partition().num()).isEqualTo(3);
    assertThat(t.partition().definitions()).extracting(d -> d.name().o()).containsExactly("p0", "p1", "p2");
    List<Long> ids = t.partition().definitions().stream().map(PartitionDefinition::id).toList();
    s.execute("INSERT INTO h VALUES (3, 0), (4, 0), (-5, 0), (NULL, 0)");
    // _tidb_rowid 1..4 in insert order: 3 -> p0, 4 -> p1, -5 -> p2 (|-5 % 3|), NULL -> p0.
    assertThat(handlesUnder(ids.get(0))).containsExactly(1L, 4L);
    assertThat(handlesUnder(ids.get(1))).containsExactly(2L);
    assertThat(handlesUnder(ids.get(2))).containsExactly(3L);
    s.execute("UPDATE h SET a = 5 WHERE a = 4");
    assertThat(handlesUnder(ids.get(1))).isEmpty();
    assertThat(handlesUnder(ids.get(2))).containsExactly(2L, 3L);
    assertThat(rows("SELECT a FROM h WHERE a IS NOT NULL ORDER BY a")).containsExactly(List.of("-5"), List.of("3"), List.of("5"));
  }

  @Test
  void unknownColumnInThePartitionExpressionIsAnError() {
    assertThatThrownBy(() -> s.execute("CREATE TABLE bad (id INT) PARTITION BY HASH (nope) PARTITIONS 2"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1054));
  }
}
