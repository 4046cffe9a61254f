package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.catalog.DdlJobWriter;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An ALTER TABLE with several changes is one MultiSchemaChange job, as in TiDB. */
class MultiSchemaChangeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private MemoryKv.Handle handle;
  private SqlSession s;

  @BeforeEach
  void setUp() {
    handle = MemoryKv.create();
    s = new SqlEngine(handle.txnKv(), "v").bootstrap().open(1, "root");
    s.execute("CREATE DATABASE d");
    s.execute("USE d");
    s.execute("CREATE TABLE t (id INT PRIMARY KEY, c INT, v VARCHAR(8))");
    s.execute("INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y')");
  }

  private TableInfo table() {
    var snap = handle.txnKv().snapshot(handle.txnKv().currentTs());
    DBInfo db = Catalog.database(snap, "d").orElseThrow();
    return Catalog.table(snap, db.id(), "t").orElseThrow();
  }

  private long schemaVersion() {
    return Catalog.schemaVersion(handle.txnKv().snapshot(handle.txnKv().currentTs()));
  }

  /** The Done jobs put into mysql.tidb_ddl_job, in commit order. */
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

  @Test
  void severalClausesAreOneJobWithSubJobsTheFinalTableAndOneSchemaVersion() throws Exception {
    int jobsBefore = jobs().size();
    long versionBefore = schemaVersion();
    s.execute("ALTER TABLE t ADD COLUMN a INT, ADD COLUMN b INT DEFAULT 7, DROP COLUMN c");

    TableInfo after = table();
    assertThat(after.columns()).extracting(c -> c.name().o()).containsExactly("id", "v", "a", "b");
    assertThat(jobs()).hasSize(jobsBefore + 1);
    DdlJob job = jobs().get(jobs().size() - 1);
    assertThat(job.type()).isEqualTo(ActionType.MULTI_SCHEMA_CHANGE);
    assertThat(job.tableId()).isEqualTo(after.id());
    assertThat(job.query()).isEqualTo("ALTER TABLE t ADD COLUMN a INT, ADD COLUMN b INT DEFAULT 7, DROP COLUMN c");
    assertThat(job.binlog().tableInfo()).isEqualTo(after);
    assertThat(job.binlog().schemaVersion()).isEqualTo(versionBefore + 1);
    assertThat(schemaVersion()).isEqualTo(versionBefore + 1);

    JsonNode info = JSON.readTree(SchemaJson.toBytes(job)).get("multi_schema_info");
    JsonNode subs = info.get("sub_jobs");
    assertThat(subs).hasSize(3);
    assertThat(List.of(subs.get(0).get("type").asInt(), subs.get(1).get("type").asInt(), subs.get(2).get("type").asInt()))
        .containsExactly(ActionType.ADD_COLUMN, ActionType.ADD_COLUMN, ActionType.DROP_COLUMN);
    assertThat(subs).allSatisfy(sub -> {
      assertThat(sub.get("state").asInt()).isEqualTo(4);
      assertThat(sub.get("schema_version").asLong()).isEqualTo(versionBefore + 1);
    });
    assertThat(subs.get(0).get("schema_state").asInt()).isEqualTo(5);
    assertThat(subs.get(2).get("schema_state").asInt()).isZero();
    assertThat(info.get("revertible").asBoolean()).isFalse();

    assertThat(rows("SELECT id, v, a, b FROM t ORDER BY id"))
        .containsExactly(java.util.Arrays.asList("1", "x", null, "7"), java.util.Arrays.asList("2", "y", null, "7"));
  }

  @Test
  void columnsOfOneAddClauseAndIndexesTooAreSubJobsAndNewIndexesAreBackfilled() {
    s.execute("ALTER TABLE t ADD COLUMN (x INT, y INT), ADD UNIQUE INDEX uv (v), ADD INDEX ic (c)");
    DdlJob job = jobs().get(jobs().size() - 1);
    assertThat(job.type()).isEqualTo(ActionType.MULTI_SCHEMA_CHANGE);
    assertThat(table().indices()).extracting(ix -> ix.name().o()).containsExactly("uv", "ic");
    // The unique index holds the rows that were there: a duplicate is refused.
    assertThatThrownBy(() -> s.execute("INSERT INTO t (id, c, v) VALUES (3, 30, 'x')"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1062));
  }

  @Test
  void oneChangeStaysAJobOfItsOwnType() {
    s.execute("ALTER TABLE t ADD COLUMN z INT");
    DdlJob job = jobs().get(jobs().size() - 1);
    assertThat(job.type()).isEqualTo(ActionType.ADD_COLUMN);
    assertThat(job.multiSchemaInfo()).isNull();
  }

  @Test
  void aFailingChangeLeavesTheTableAndTheJobsUntouched() {
    int jobsBefore = jobs().size();
    long versionBefore = schemaVersion();
    TableInfo before = table();
    assertThatThrownBy(() -> s.execute("ALTER TABLE t ADD COLUMN a INT, DROP COLUMN nope"))
        .isInstanceOf(SqlException.class);
    assertThat(table()).isEqualTo(before);
    assertThat(jobs()).hasSize(jobsBefore);
    assertThat(schemaVersion()).isEqualTo(versionBefore);
    assertThatThrownBy(() -> s.execute("ALTER TABLE t ADD COLUMN a INT, RENAME TO t2"))
        .isInstanceOfSatisfying(SqlException.class, e -> assertThat(e.code()).isEqualTo(1235));
  }
}
