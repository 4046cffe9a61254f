package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.PartitionInfo;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.catalog.DdlJobWriter;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LIST, LIST COLUMNS and KEY partitioning, and ADD / DROP / TRUNCATE PARTITION as TiDB jobs. */
class PartitionDdlTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private MemoryKv.Handle handle;
  private SqlSession s;

  @BeforeEach
  void setUp() {
    handle = MemoryKv.create();
    s = new SqlEngine(handle.txnKv(), "v").bootstrap().open(1, "root");
    s.execute("CREATE DATABASE d");
    s.execute("USE d");
  }

  private Snapshot snap() {
    return handle.txnKv().snapshot(handle.txnKv().currentTs());
  }

  private TableInfo table(String name) {
    DBInfo db = Catalog.database(snap(), "d").orElseThrow();
    return Catalog.table(snap(), db.id(), name).orElseThrow();
  }

  private static List<Long> ids(TableInfo t) {
    return t.partition().definitions().stream().map(PartitionDefinition::id).toList();
  }

  /** The handles stored under one physical table id. */
  private List<Long> handlesUnder(long physicalId) {
    byte[] prefix = TableCodec.recordPrefix(physicalId);
    return snap().scan(prefix, MetaCodec.prefixEnd(prefix), 100).stream()
        .map(KvPair::key).map(k -> TableCodec.decodeRecordKey(k).intHandle()).toList();
  }

  private List<List<String>> rows(String sql) {
    return ((QueryResult.Rows) s.execute(sql)).rows();
  }

  /** The last Done job the DDLs put into mysql.tidb_ddl_job. */
  private DdlJob lastJob() {
    MemoryKv.Write put = handle.writes().stream()
        .filter(w -> TableCodec.isRecordKey(w.key()) && TableCodec.tableIdOf(w.key()) == TableCodec.DDL_JOB_TABLE_ID
            && w.value() != null)
        .reduce((a, b) -> b).orElseThrow();
    Object[] row = RowDecoder.decode(DdlJobWriter.table(), put.key(), put.value());
    return SchemaJson.read((byte[]) row[4], DdlJob.class);
  }

  private static SqlException error(Runnable r) {
    try {
      r.run();
    } catch (SqlException e) {
      return e;
    }
    throw new AssertionError("no error");
  }

  @Test
  void listPartitionsRecordInValuesAndKeyRowsByTheirValue() throws Exception {
    s.execute("CREATE TABLE l (id INT PRIMARY KEY, region INT) PARTITION BY LIST (region) ("
        + "PARTITION pn VALUES IN (1, 2, 3), PARTITION ps VALUES IN (4, 5), PARTITION pnull VALUES IN (NULL))");
    TableInfo t = table("l");
    PartitionInfo p = t.partition();
    assertThat(p.type()).isEqualTo(PartitionInfo.TYPE_LIST);
    JsonNode json = JSON.readTree(SchemaJson.toBytes(t)).get("partition");
    assertThat(json.get("type").asInt()).isEqualTo(3);
    assertThat(json.get("expr").asText()).isEqualTo("region");
    assertThat(json.get("definitions").get(0).get("in_values").toString()).isEqualTo("[[\"1\"],[\"2\"],[\"3\"]]");
    assertThat(json.get("definitions").get(2).get("in_values").toString()).isEqualTo("[[\"NULL\"]]");
    assertThat(json.get("definitions").get(1).get("name").get("O").asText()).isEqualTo("ps");

    s.execute("INSERT INTO l VALUES (10, 1), (11, 5), (12, NULL), (13, 3)");
    assertThat(handlesUnder(ids(t).get(0))).containsExactly(10L, 13L);
    assertThat(handlesUnder(ids(t).get(1))).containsExactly(11L);
    assertThat(handlesUnder(ids(t).get(2))).containsExactly(12L);
    assertThat(error(() -> s.execute("INSERT INTO l VALUES (14, 9)")))
        .satisfies(e -> assertThat(e.code()).isEqualTo(1526))
        .hasMessage("Table has no partition for value 9");
    s.execute("UPDATE l SET region = 4 WHERE id = 10");
    assertThat(handlesUnder(ids(t).get(1))).containsExactly(10L, 11L);
    assertThat(rows("SELECT id FROM l WHERE region = 4 OR region = 5 ORDER BY id"))
        .containsExactly(List.of("10"), List.of("11"));

    assertThat(error(() -> s.execute("CREATE TABLE dup (a INT) PARTITION BY LIST (a) "
        + "(PARTITION p0 VALUES IN (1, 2), PARTITION p1 VALUES IN (2))")).code()).isEqualTo(1495);
  }

  @Test
  void listColumnsWithTuplesAndADefaultPartition() throws Exception {
    s.execute("CREATE TABLE lc (a INT, b VARCHAR(8)) PARTITION BY LIST COLUMNS (a, b) ("
        + "PARTITION p0 VALUES IN ((1, 'x'), (2, 'y')), PARTITION p1 VALUES IN ((1, 'y')), "
        + "PARTITION pd VALUES IN (DEFAULT))");
    TableInfo t = table("lc");
    JsonNode json = JSON.readTree(SchemaJson.toBytes(t)).get("partition");
    assertThat(json.get("expr").asText()).isEmpty();
    assertThat(json.get("columns").toString()).isEqualTo("[{\"O\":\"a\",\"L\":\"a\"},{\"O\":\"b\",\"L\":\"b\"}]");
    assertThat(json.get("definitions").get(0).get("in_values").toString())
        .isEqualTo("[[\"1\",\"'x'\"],[\"2\",\"'y'\"]]");
    assertThat(json.get("definitions").get(2).get("in_values").toString()).isEqualTo("[[\"DEFAULT\"]]");
    // _tidb_rowid 1..4 in insert order.
    s.execute("INSERT INTO lc VALUES (2, 'y'), (1, 'y'), (1, 'z'), (1, 'x')");
    assertThat(handlesUnder(ids(t).get(0))).containsExactly(1L, 4L);
    assertThat(handlesUnder(ids(t).get(1))).containsExactly(2L);
    assertThat(handlesUnder(ids(t).get(2))).containsExactly(3L);
    assertThat(rows("SELECT COUNT(*) FROM lc")).containsExactly(List.of("4"));
  }

  @Test
  void keyPartitionsUseTiDbsCrc32OfTheColumnsStringForm() throws Exception {
    s.execute("CREATE TABLE k (id BIGINT PRIMARY KEY, name VARCHAR(16)) PARTITION BY KEY (name) PARTITIONS 4");
    TableInfo t = table("k");
    JsonNode json = JSON.readTree(SchemaJson.toBytes(t)).get("partition");
    assertThat(json.get("type").asInt()).isEqualTo(4);
    assertThat(json.get("num").asInt()).isEqualTo(4);
    assertThat(json.get("expr").asText()).isEmpty();
    assertThat(json.get("columns").toString()).isEqualTo("[{\"O\":\"name\",\"L\":\"name\"}]");
    assertThat(json.get("is_empty_columns").asBoolean()).isFalse();
    String[] names = {"ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"};
    for (int i = 0; i < names.length; i++) {
      s.execute("INSERT INTO k VALUES (" + i + ", '" + names[i] + "  ')");
    }
    s.execute("INSERT INTO k VALUES (100, NULL)");
    for (int i = 0; i < names.length; i++) {
      // utf8mb4_bin pads: the trailing spaces are not part of the collation key.
      long expected = ids(t).get((int) (crc(names[i].getBytes(StandardCharsets.UTF_8)) % 4));
      assertThat(handlesUnder(expected)).as(names[i]).contains((long) i);
    }
    assertThat(handlesUnder(ids(t).get((int) (crc(new byte[] {0}) % 4)))).contains(100L);

    s.execute("CREATE TABLE kp (id INT PRIMARY KEY, v INT) PARTITION BY KEY () PARTITIONS 3");
    TableInfo kp = table("kp");
    assertThat(kp.partition().emptyColumns()).isTrue();
    assertThat(kp.partition().columns()).extracting(c -> c.o()).containsExactly("id");
    s.execute("INSERT INTO kp VALUES (7, 0)");
    assertThat(handlesUnder(ids(kp).get((int) (crc("7".getBytes(StandardCharsets.UTF_8)) % 3)))).containsExactly(7L);
  }

  private static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  @Test
  void addPartitionToRangeAndListIsOneJobWithTheNewDefinitionsAndNewIds() {
    s.execute("CREATE TABLE r (id INT PRIMARY KEY) PARTITION BY RANGE (id) "
        + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))");
    TableInfo before = table("r");
    long versionBefore = Catalog.schemaVersion(snap());
    assertThat(error(() -> s.execute("INSERT INTO r VALUES (25)")).code()).isEqualTo(1526);
    s.execute("ALTER TABLE r ADD PARTITION (PARTITION p2 VALUES LESS THAN (30), PARTITION pmax VALUES LESS THAN MAXVALUE)");
    TableInfo after = table("r");
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.partition().definitions()).extracting(d -> d.name().o() + "<" + d.lessThan().get(0))
        .containsExactly("p0<10", "p1<20", "p2<30", "pmax<MAXVALUE");
    assertThat(ids(after).subList(0, 2)).isEqualTo(ids(before));
    assertThat(ids(after).subList(2, 4)).allSatisfy(id -> assertThat(id).isGreaterThan(ids(before).get(1)));
    DdlJob job = lastJob();
    assertThat(job.type()).isEqualTo(ActionType.ADD_TABLE_PARTITION);
    assertThat(job.tableId()).isEqualTo(after.id());
    assertThat(job.binlog().tableInfo()).isEqualTo(after);
    assertThat(job.binlog().schemaVersion()).isEqualTo(versionBefore + 1);
    assertThat(Catalog.schemaVersion(snap())).isEqualTo(versionBefore + 1);
    s.execute("INSERT INTO r VALUES (25), (99)");
    assertThat(handlesUnder(ids(after).get(2))).containsExactly(25L);
    assertThat(handlesUnder(ids(after).get(3))).containsExactly(99L);

    assertThat(error(() -> s.execute("ALTER TABLE r ADD PARTITION (PARTITION p9 VALUES LESS THAN (100))")).code())
        .isEqualTo(1481);
    s.execute("CREATE TABLE r2 (id INT) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10))");
    assertThat(error(() -> s.execute("ALTER TABLE r2 ADD PARTITION (PARTITION p1 VALUES LESS THAN (5))")).code())
        .isEqualTo(1493);
    assertThat(error(() -> s.execute("ALTER TABLE r2 ADD PARTITION (PARTITION p0 VALUES LESS THAN (50))")).code())
        .isEqualTo(1517);

    s.execute("CREATE TABLE l (a INT) PARTITION BY LIST (a) (PARTITION p0 VALUES IN (1, 2))");
    s.execute("ALTER TABLE l ADD PARTITION (PARTITION p1 VALUES IN (3, 4))");
    assertThat(table("l").partition().definitions().get(1).inValues()).containsExactly(List.of("3"), List.of("4"));
    assertThat(error(() -> s.execute("ALTER TABLE l ADD PARTITION (PARTITION p2 VALUES IN (4))")).code())
        .isEqualTo(1495);
    s.execute("CREATE TABLE h (a INT) PARTITION BY HASH (a) PARTITIONS 2");
    assertThat(error(() -> s.execute("ALTER TABLE h ADD PARTITION PARTITIONS 2")).code()).isEqualTo(1235);
  }

  @Test
  void dropPartitionRemovesItsDefinitionAndRowsFromReadsWithoutRowDeletes() {
    s.execute("CREATE TABLE r (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) "
        + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20), PARTITION p2 VALUES LESS THAN (30))");
    s.execute("INSERT INTO r VALUES (1, 0), (11, 0), (12, 0), (21, 0)");
    TableInfo before = table("r");
    int writesBefore = handle.writes().size();
    s.execute("ALTER TABLE r DROP PARTITION p1");
    TableInfo after = table("r");
    assertThat(after.partition().definitions()).extracting(d -> d.name().o()).containsExactly("p0", "p2");
    assertThat(ids(after)).containsExactly(ids(before).get(0), ids(before).get(2));
    DdlJob job = lastJob();
    assertThat(job.type()).isEqualTo(ActionType.DROP_TABLE_PARTITION);
    assertThat(job.binlog().tableInfo()).isEqualTo(after);
    assertThat(rows("SELECT id FROM r ORDER BY id")).containsExactly(List.of("1"), List.of("21"));
    // TiDB leaves the range to GC's delete-range: no row is deleted by a transaction.
    assertThat(handle.writes().subList(writesBefore, handle.writes().size()))
        .noneMatch(w -> TableCodec.isRecordKey(w.key()) && TableCodec.tableIdOf(w.key()) == ids(before).get(1));
    assertThat(handlesUnder(ids(before).get(1))).containsExactly(11L, 12L);
    // The next range now starts where the dropped one did.
    s.execute("INSERT INTO r VALUES (15, 0)");
    assertThat(handlesUnder(ids(after).get(1))).containsExactly(15L, 21L);

    assertThat(error(() -> s.execute("ALTER TABLE r DROP PARTITION p7")).code()).isEqualTo(1507);
    assertThat(error(() -> s.execute("ALTER TABLE r DROP PARTITION p0, p2")).code()).isEqualTo(1508);
    s.execute("CREATE TABLE h (a INT) PARTITION BY HASH (a) PARTITIONS 2");
    assertThat(error(() -> s.execute("ALTER TABLE h DROP PARTITION p0")).code()).isEqualTo(1512);
    s.execute("CREATE TABLE plain (a INT)");
    assertThat(error(() -> s.execute("ALTER TABLE plain DROP PARTITION p0")).code()).isEqualTo(1505);
  }

  @Test
  void truncatePartitionGivesItANewPhysicalIdAndKeepsTheOthers() {
    s.execute("CREATE TABLE l (id INT PRIMARY KEY, a INT) PARTITION BY LIST (a) "
        + "(PARTITION p0 VALUES IN (0), PARTITION p1 VALUES IN (1), PARTITION p2 VALUES IN (2))");
    s.execute("INSERT INTO l VALUES (1, 0), (2, 1), (3, 2)");
    TableInfo before = table("l");
    s.execute("ALTER TABLE l TRUNCATE PARTITION p0, p2");
    TableInfo after = table("l");
    assertThat(ids(after).get(1)).isEqualTo(ids(before).get(1));
    assertThat(ids(after).get(0)).isNotEqualTo(ids(before).get(0)).isGreaterThan(ids(before).get(2));
    assertThat(ids(after).get(2)).isNotIn(ids(before));
    assertThat(after.partition().definitions().get(2).inValues()).containsExactly(List.of("2"));
    DdlJob job = lastJob();
    assertThat(job.type()).isEqualTo(ActionType.TRUNCATE_TABLE_PARTITION);
    assertThat(job.tableId()).isEqualTo(after.id());
    assertThat(job.binlog().tableInfo()).isEqualTo(after);
    assertThat(rows("SELECT id FROM l")).containsExactly(List.of("2"));
    s.execute("INSERT INTO l VALUES (4, 0)");
    assertThat(handlesUnder(ids(after).get(0))).containsExactly(4L);

    s.execute("ALTER TABLE l TRUNCATE PARTITION ALL");
    assertThat(ids(table("l"))).doesNotContainAnyElementsOf(ids(after));
    assertThat(rows("SELECT COUNT(*) FROM l")).containsExactly(List.of("0"));
    assertThat(error(() -> s.execute("ALTER TABLE l TRUNCATE PARTITION nope")).code()).isEqualTo(1735);
  }
}
