package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.CIStr;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.RenameTablesArgs;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.catalog.DdlJobWriter;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multi-table RENAME TABLE and EXCHANGE PARTITION run as TiDB runs them: one RenameTables job
 * with every table in {@code MultipleTableInfos} (TiDB {@code onRenameTables}), and an
 * ExchangeTablePartition job that swaps the partition's and the table's ids without moving a row
 * (TiDB {@code onExchangeTablePartition}, pkg/ddl/partition.go).
 */
class LifecycleDdlTest {
  private MemoryKv.Handle handle;
  private SqlSession s;

  @BeforeEach
  void setUp() {
    handle = MemoryKv.create();
    s = new SqlEngine(handle.txnKv(), "v").bootstrap().open(1, "root");
    s.execute("CREATE DATABASE d");
    s.execute("CREATE DATABASE e");
    s.execute("USE d");
  }

  private Snapshot snap() {
    return handle.txnKv().snapshot(handle.txnKv().currentTs());
  }

  private DBInfo db(String name) {
    return Catalog.database(snap(), name).orElseThrow();
  }

  private Optional<TableInfo> table(String dbName, String name) {
    return Catalog.table(snap(), db(dbName).id(), name);
  }

  private List<Long> handlesUnder(long physicalId) {
    byte[] prefix = TableCodec.recordPrefix(physicalId);
    return snap().scan(prefix, MetaCodec.prefixEnd(prefix), 100).stream()
        .map(KvPair::key).map(k -> TableCodec.decodeRecordKey(k).intHandle()).toList();
  }

  private List<DdlJob> jobs() {
    return handle.writes().stream()
        .filter(w -> TableCodec.isRecordKey(w.key()) && TableCodec.tableIdOf(w.key()) == TableCodec.DDL_JOB_TABLE_ID
            && w.value() != null)
        .map(w -> SchemaJson.read((byte[]) RowDecoder.decode(DdlJobWriter.table(), w.key(), w.value())[4], DdlJob.class))
        .toList();
  }

  private List<List<String>> rows(String sql) {
    return ((QueryResult.Rows) s.execute(sql)).rows();
  }

  private SqlException error(String sql) {
    try {
      s.execute(sql);
    } catch (SqlException e) {
      return e;
    }
    throw new AssertionError("no error: " + sql);
  }

  @Test
  void renameOfSeveralTablesIsOneRenameTablesJob() {
    s.execute("CREATE TABLE a (id INT PRIMARY KEY)");
    s.execute("CREATE TABLE c (id INT PRIMARY KEY)");
    long a = table("d", "a").orElseThrow().id();
    long c = table("d", "c").orElseThrow().id();
    int before = jobs().size();

    s.execute("RENAME TABLE a TO b, c TO e.f");

    List<DdlJob> added = jobs().subList(before, jobs().size());
    assertThat(added).singleElement().satisfies(job -> {
      assertThat(job.type()).isEqualTo(ActionType.RENAME_TABLES);
      assertThat(job.query()).isEqualTo("RENAME TABLE a TO b, c TO e.f");
      assertThat(job.binlog().multipleTableInfos()).extracting(TableInfo::id).containsExactly(a, c);
      assertThat(job.binlog().multipleTableInfos()).extracting(t -> t.name().o()).containsExactly("b", "f");
      assertThat(RenameTablesArgs.of(job).tables()).containsExactly(
          new RenameTablesArgs.Entry(db("d").id(), db("d").id(), a, CIStr.of("b"), CIStr.of("d"), CIStr.of("a")),
          new RenameTablesArgs.Entry(db("d").id(), db("e").id(), c, CIStr.of("f"), CIStr.of("d"), CIStr.of("c")));
    });
    assertThat(table("d", "b")).hasValueSatisfying(t -> assertThat(t.id()).isEqualTo(a));
    assertThat(table("e", "f")).hasValueSatisfying(t -> assertThat(t.id()).isEqualTo(c));
    assertThat(table("d", "a")).isEmpty();
    assertThat(table("d", "c")).isEmpty();
  }

  @Test
  void renamePairsApplyInOrderSoTablesCanSwapNames() {
    s.execute("CREATE TABLE a (id INT PRIMARY KEY)");
    s.execute("CREATE TABLE b (id INT PRIMARY KEY)");
    long a = table("d", "a").orElseThrow().id();
    long b = table("d", "b").orElseThrow().id();
    s.execute("RENAME TABLE a TO tmp, b TO a, tmp TO b");
    assertThat(table("d", "a").orElseThrow().id()).isEqualTo(b);
    assertThat(table("d", "b").orElseThrow().id()).isEqualTo(a);
    assertThat(error("RENAME TABLE a TO x, b TO x").code()).isEqualTo(1050);
    // nothing of a failed statement stays
    assertThat(table("d", "x")).isEmpty();
    assertThat(table("d", "a").orElseThrow().id()).isEqualTo(b);
  }

  @Test
  void exchangePartitionSwapsIdsAndRowsFollow() {
    s.execute("CREATE TABLE pt (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) "
        + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))");
    s.execute("CREATE TABLE nt (id INT PRIMARY KEY, v INT)");
    s.execute("INSERT INTO pt VALUES (1, 1), (11, 11)");
    s.execute("INSERT INTO nt VALUES (15, 15)");
    TableInfo pt = table("d", "pt").orElseThrow();
    long p1 = pt.partition().definitions().get(1).id();
    long nt = table("d", "nt").orElseThrow().id();
    int before = jobs().size();

    s.execute("ALTER TABLE pt EXCHANGE PARTITION p1 WITH TABLE nt");

    TableInfo ptAfter = table("d", "pt").orElseThrow();
    assertThat(ptAfter.id()).isEqualTo(pt.id());
    assertThat(ptAfter.partition().definitions()).extracting(PartitionDefinition::id)
        .containsExactly(pt.partition().definitions().get(0).id(), nt);
    assertThat(table("d", "nt").orElseThrow().id()).isEqualTo(p1);
    // no row moved: the ids did
    assertThat(handlesUnder(nt)).containsExactly(15L);
    assertThat(handlesUnder(p1)).containsExactly(11L);
    assertThat(rows("SELECT id FROM pt ORDER BY id")).containsExactly(List.of("1"), List.of("15"));
    assertThat(rows("SELECT id FROM nt")).containsExactly(List.of("11"));
    s.execute("INSERT INTO pt VALUES (16, 16)");
    s.execute("INSERT INTO nt VALUES (12, 12)");
    assertThat(handlesUnder(nt)).containsExactly(15L, 16L);
    assertThat(handlesUnder(p1)).containsExactly(11L, 12L);

    assertThat(jobs().subList(before, jobs().size())).singleElement().satisfies(job -> {
      assertThat(job.type()).isEqualTo(ActionType.EXCHANGE_TABLE_PARTITION);
      assertThat(job.schemaId()).isEqualTo(db("d").id());
      assertThat(job.tableId()).isEqualTo(nt);
      assertThat(job.binlog().tableInfo().id()).isEqualTo(pt.id());
      assertThat(job.binlog().tableInfo().physicalTableIds()).contains(nt).doesNotContain(p1);
      assertThat(job.rawArgs().toString()).isEqualTo("[" + p1 + "," + db("d").id() + "," + pt.id() + ",\"p1\",true]");
    });
  }

  @Test
  void exchangeRefusesRowsOutsideThePartitionUnlessWithoutValidation() {
    s.execute("CREATE TABLE pt (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) "
        + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))");
    s.execute("CREATE TABLE nt (id INT PRIMARY KEY, v INT)");
    s.execute("CREATE TABLE other (id INT PRIMARY KEY)");
    s.execute("INSERT INTO nt VALUES (3, 3)");
    assertThat(error("ALTER TABLE pt EXCHANGE PARTITION p1 WITH TABLE nt").code()).isEqualTo(1737);
    assertThat(error("ALTER TABLE pt EXCHANGE PARTITION p9 WITH TABLE nt").code()).isEqualTo(1735);
    assertThat(error("ALTER TABLE pt EXCHANGE PARTITION p1 WITH TABLE other").code()).isEqualTo(1736);
    assertThat(error("ALTER TABLE nt EXCHANGE PARTITION p1 WITH TABLE other").code()).isEqualTo(1505);
    s.execute("ALTER TABLE pt EXCHANGE PARTITION p1 WITH TABLE nt WITHOUT VALIDATION");
    assertThat(rows("SELECT id FROM nt")).isEmpty();
  }
}
