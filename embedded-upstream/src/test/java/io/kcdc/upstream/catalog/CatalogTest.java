package io.kcdc.upstream.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.JobState;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.sql.MemoryKv;
import io.kcdc.upstream.sql.SqlEngine;
import io.kcdc.upstream.sql.SqlSession;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {

  @Test
  void createTableWritesMetaKeysSchemaVersionAndADoneJobRow() {
    MemoryKv.Handle kv = MemoryKv.create();
    SqlEngine engine = new SqlEngine(kv.txnKv(), "v").bootstrap();
    SqlSession s = engine.open(1, "root");
    long versionBefore = Catalog.schemaVersion(kv.txnKv().snapshot(kv.txnKv().currentTs()));
    s.execute("CREATE DATABASE d1");
    s.execute("CREATE TABLE d1.t (id INT PRIMARY KEY, v VARCHAR(8))");
    Snapshot snap = kv.txnKv().snapshot(kv.txnKv().currentTs());

    DBInfo db = Catalog.database(snap, "d1").orElseThrow();
    assertThat(db.id()).isGreaterThan(DdlExecutor.FIRST_USER_ID);
    byte[] dbJson = snap.get(MetaCodec.hashFieldKey(MetaCodec.DBS, MetaCodec.dbKey(db.id()))).orElseThrow();
    assertThat(SchemaJson.read(dbJson, DBInfo.class).name().o()).isEqualTo("d1");

    TableInfo t = Catalog.table(snap, db.id(), "t").orElseThrow();
    byte[] tableJson = snap.get(MetaCodec.hashFieldKey(MetaCodec.dbKey(db.id()), MetaCodec.tableField(t.id())))
        .orElseThrow();
    assertThat(SchemaJson.read(tableJson, TableInfo.class)).isEqualTo(t);
    assertThat(Catalog.schemaVersion(snap)).isEqualTo(versionBefore + 2);

    // The system table TiCDC reads job_meta from is in the meta snapshot.
    TableInfo jobTable = Catalog.table(snap, SystemTables.MYSQL_DB_ID, "tidb_ddl_job").orElseThrow();
    assertThat(jobTable.id()).isEqualTo(TableCodec.DDL_JOB_TABLE_ID);
    assertThat(jobTable.columnByName("job_meta").orElseThrow().id()).isEqualTo(5);

    // The job row was put (state Done) in the DDL's transaction, then deleted by the cleanup.
    List<MemoryKv.Write> jobWrites = kv.writes().stream()
        .filter(w -> TableCodec.isRecordKey(w.key()) && TableCodec.tableIdOf(w.key()) == TableCodec.DDL_JOB_TABLE_ID)
        .toList();
    MemoryKv.Write put = jobWrites.stream().filter(w -> w.value() != null).reduce((a, b) -> b).orElseThrow();
    Object[] row = RowDecoder.decode(jobTable, put.key(), put.value());
    DdlJob job = SchemaJson.read((byte[]) row[4], DdlJob.class);
    assertThat(job.type()).isEqualTo(ActionType.CREATE_TABLE);
    assertThat(job.state()).isEqualTo(JobState.DONE);
    assertThat(job.schemaId()).isEqualTo(db.id());
    assertThat(job.tableId()).isEqualTo(t.id());
    assertThat(job.query()).isEqualTo("CREATE TABLE d1.t (id INT PRIMARY KEY, v VARCHAR(8))");
    assertThat(job.binlog().schemaVersion()).isEqualTo(versionBefore + 2);
    assertThat(job.binlog().tableInfo()).isEqualTo(t);
    assertThat(row[0]).isEqualTo(job.id());
    assertThat(TableCodec.decodeRecordKey(put.key()).intHandle()).isEqualTo(job.id());
    // Same transaction as the meta change.
    assertThat(put.commitTs()).isEqualTo(kv.writes().stream()
        .filter(w -> Arrays.equals(w.key(), MetaCodec.hashFieldKey(MetaCodec.dbKey(db.id()), MetaCodec.tableField(t.id()))))
        .findFirst().orElseThrow().commitTs());
    assertThat(jobWrites.get(jobWrites.size() - 1).value()).isNull();
    assertThat(new String((byte[]) row[2], StandardCharsets.UTF_8)).isEqualTo(Long.toString(db.id()));
    assertThat(Map.of("type", row[5])).containsEntry("type", (long) ActionType.CREATE_TABLE);
  }

  @Test
  void everyDdlWritesOneDoneJobWithItsActionType() {
    MemoryKv.Handle kv = MemoryKv.create();
    SqlSession s = new SqlEngine(kv.txnKv(), "v").bootstrap().open(1, "root");
    s.execute("CREATE DATABASE d");
    s.execute("CREATE TABLE d.t (id INT PRIMARY KEY)");
    s.execute("ALTER TABLE d.t ADD COLUMN v INT");
    s.execute("ALTER TABLE d.t DROP COLUMN v");
    s.execute("TRUNCATE TABLE d.t");
    s.execute("DROP TABLE d.t");
    s.execute("DROP DATABASE d");
    TableInfo jobTable = SystemTables.ddlJobTable();
    List<DdlJob> jobs = kv.writes().stream()
        .filter(w -> w.value() != null && TableCodec.isRecordKey(w.key())
            && TableCodec.tableIdOf(w.key()) == TableCodec.DDL_JOB_TABLE_ID)
        .map(w -> SchemaJson.read((byte[]) RowDecoder.decode(jobTable, w.key(), w.value())[4], DdlJob.class))
        .toList();
    assertThat(jobs).extracting(DdlJob::type).containsExactly(ActionType.CREATE_SCHEMA,
        ActionType.CREATE_TABLE, ActionType.ADD_COLUMN, ActionType.DROP_COLUMN,
        ActionType.TRUNCATE_TABLE, ActionType.DROP_TABLE, ActionType.DROP_SCHEMA);
    assertThat(jobs).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.DONE));
    // Schema versions grow by one per DDL.
    List<Long> versions = jobs.stream().map(j -> j.binlog().schemaVersion()).toList();
    for (int i = 1; i < versions.size(); i++) {
      assertThat(versions.get(i)).isEqualTo(versions.get(i - 1) + 1);
    }
    DdlJob add = jobs.get(2);
    assertThat(add.binlog().tableInfo().columns()).extracting(c -> c.name().o()).containsExactly("id", "v");
    assertThat(add.binlog().tableInfo().maxColumnId()).isEqualTo(2);
    DdlJob drop = jobs.get(3);
    assertThat(drop.binlog().tableInfo().columns()).hasSize(1);
    assertThat(drop.binlog().tableInfo().maxColumnId()).isEqualTo(2);
    DdlJob truncate = jobs.get(4);
    assertThat(truncate.tableId()).isEqualTo(jobs.get(1).tableId());
    assertThat(truncate.binlog().tableInfo().id()).isNotEqualTo(truncate.tableId());
    assertThat(jobs.get(6).binlog().dbInfo().name().o()).isEqualTo("d");
  }

  @Test
  void indexModifyAndRenameJobsCarryTheNewTableInfoAndTheCommitTsOfTheDoneState() {
    MemoryKv.Handle kv = MemoryKv.create();
    SqlSession s = new SqlEngine(kv.txnKv(), "v").bootstrap().open(1, "root");
    s.execute("CREATE DATABASE d");
    s.execute("CREATE DATABASE e");
    s.execute("CREATE TABLE d.t (id INT PRIMARY KEY, k INT, c CHAR(10))");
    s.execute("CREATE INDEX k_1 ON d.t(k)");
    s.execute("ALTER TABLE d.t ADD UNIQUE KEY uc (c), ADD INDEX (k, c)");
    s.execute("ALTER TABLE d.t MODIFY COLUMN c VARCHAR(40) NOT NULL");
    s.execute("DROP INDEX k_1 ON d.t");
    s.execute("ALTER TABLE d.t DROP INDEX uc");
    s.execute("RENAME TABLE d.t TO d.t2");
    s.execute("USE d");
    s.execute("ALTER TABLE t2 RENAME TO t3");
    s.execute("RENAME TABLE d.t3 TO e.t4");
    TableInfo jobTable = SystemTables.ddlJobTable();
    List<MemoryKv.Write> jobWrites = kv.writes().stream()
        .filter(w -> w.value() != null && TableCodec.isRecordKey(w.key())
            && TableCodec.tableIdOf(w.key()) == TableCodec.DDL_JOB_TABLE_ID)
        .toList();
    List<DdlJob> jobs = jobWrites.stream()
        .map(w -> SchemaJson.read((byte[]) RowDecoder.decode(jobTable, w.key(), w.value())[4], DdlJob.class))
        .toList();
    assertThat(jobs).extracting(DdlJob::type).containsExactly(ActionType.CREATE_SCHEMA,
        ActionType.CREATE_SCHEMA, ActionType.CREATE_TABLE, ActionType.ADD_INDEX,
        // Two changes in one ALTER TABLE: one MultiSchemaChange job, as in TiDB.
        ActionType.MULTI_SCHEMA_CHANGE, ActionType.MODIFY_COLUMN,
        ActionType.DROP_INDEX, ActionType.DROP_INDEX, ActionType.RENAME_TABLE,
        ActionType.RENAME_TABLE, ActionType.RENAME_TABLE);
    List<Long> versions = jobs.stream().map(j -> j.binlog().schemaVersion()).toList();
    for (int i = 1; i < versions.size(); i++) {
      assertThat(versions.get(i)).isEqualTo(versions.get(i - 1) + 1);
    }
    TableInfo afterAdds = jobs.get(4).binlog().tableInfo();
    assertThat(afterAdds.indices()).extracting(ix -> ix.name().o() + ":" + ix.unique())
        .containsExactly("k_1:false", "uc:true", "k:false");
    assertThat(afterAdds.indices()).extracting(ix -> ix.id()).containsExactly(1L, 2L, 3L);
    assertThat(afterAdds.maxIndexId()).isEqualTo(3);
    TableInfo modified = jobs.get(5).binlog().tableInfo();
    assertThat(modified.columns().get(2).type().flen()).isEqualTo(40);
    assertThat(modified.columns().get(2).id()).isEqualTo(3);
    TableInfo afterDrops = jobs.get(7).binlog().tableInfo();
    assertThat(afterDrops.indices()).extracting(ix -> ix.name().o()).containsExactly("k");
    assertThat(afterDrops.maxIndexId()).isEqualTo(3);
    assertThat(jobs.get(8).binlog().tableInfo().name().o()).isEqualTo("t2");
    assertThat(jobs.get(9).binlog().tableInfo().name().o()).isEqualTo("t3");
    DdlJob crossDb = jobs.get(10);
    assertThat(crossDb.schemaName()).isEqualTo("e");
    assertThat(crossDb.tableId()).isEqualTo(jobs.get(2).tableId());
    assertThat(crossDb.schemaId()).isEqualTo(jobs.get(1).schemaId());

    // The history copy's FinishedTS is the commit ts of the txn that wrote the Done job row.
    for (MemoryKv.Write w : jobWrites) {
      DdlJob queued = SchemaJson.read((byte[]) RowDecoder.decode(jobTable, w.key(), w.value())[4], DdlJob.class);
      byte[] historyKey = MetaCodec.hashFieldKey(MetaCodec.DDL_JOB_HISTORY, MetaCodec.jobIdField(queued.id()));
      DdlJob history = kv.writes().stream()
          .filter(h -> h.value() != null && Arrays.equals(h.key(), historyKey))
          .map(h -> SchemaJson.read(h.value(), DdlJob.class)).findFirst().orElseThrow();
      assertThat(history.binlog().finishedTs()).isEqualTo(w.commitTs());
      assertThat(history.binlog().schemaVersion()).isEqualTo(queued.binlog().schemaVersion());
    }
  }
}
