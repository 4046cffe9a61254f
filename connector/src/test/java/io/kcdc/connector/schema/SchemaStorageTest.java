package io.kcdc.connector.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.connector.UpstreamFixture;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaStorageTest {
  private static final DBInfo TEST = DBInfo.of(2, "test");

  private static DdlJob job(int type, long schemaId, long tableId, long version, long finishedTs, DBInfo db, TableInfo table) {
    return DdlJob.done(version, type, schemaId, tableId, "", "", "q", new HistoryInfo(version, db, table, finishedTs, null));
  }

  private static SchemaStorage storage() {
    return new SchemaStorage(new SchemaSnapshot(100, List.of(TEST), Map.of(2L, List.of(UpstreamFixture.table(10, "a")))));
  }

  @Test
  void snapshotsAreFoundByTsAndTableVersionsAreTheirDdlsFinishedTs() {
    SchemaStorage s = storage();
    TableInfo b = UpstreamFixture.table(11, "b");
    s.apply(job(ActionType.CREATE_TABLE, 2, 11, 5, 200, null, b));
    TableInfo a2 = UpstreamFixture.table(10, "a").toBuilder().comment("changed").build();
    s.apply(job(ActionType.MODIFY_TABLE_COMMENT, 2, 10, 6, 300, null, a2));

    assertThat(s.snapshotAt(150).table(11)).isEmpty();
    assertThat(s.snapshotAt(199).table(11)).isEmpty();
    assertThat(s.snapshotAt(200).table(11)).contains(b);
    assertThat(s.snapshotAt(50).ts()).isEqualTo(100); // older ts get the first snapshot
    assertThat(s.snapshotAt(299).tableVersion(10)).isZero();
    assertThat(s.snapshotAt(300).tableVersion(10)).isEqualTo(300);
    assertThat(s.snapshotAt(300).tableVersion(11)).isEqualTo(200);
    assertThat(s.snapshotAt(300).table(10).orElseThrow().comment()).isEqualTo("changed");
    assertThat(s.snapshotAt(300).table("TEST", "B")).contains(b);
  }

  @Test
  void jobsReadTwiceOrWithoutSchemaVersionAreIgnored() {
    SchemaStorage s = storage();
    TableInfo b = UpstreamFixture.table(11, "b");
    assertThat(s.apply(job(ActionType.CREATE_TABLE, 2, 11, 5, 200, null, b))).isNotNull();
    assertThat(s.apply(job(ActionType.CREATE_TABLE, 2, 11, 5, 200, null, b))).isNull();
    assertThat(s.apply(job(ActionType.CREATE_TABLE, 2, 12, 0, 250, null, UpstreamFixture.table(12, "c")))).isNull();
    assertThat(s.latest().table(12)).isEmpty();
  }

  @Test
  void truncateRenameDropAndDropSchema() {
    SchemaStorage s = storage();
    TableInfo truncated = UpstreamFixture.table(20, "a");
    s.apply(job(ActionType.TRUNCATE_TABLE, 2, 10, 5, 200, null, truncated));
    assertThat(s.latest().table(10)).isEmpty();
    assertThat(s.latest().table("test", "a")).contains(truncated);

    DBInfo other = DBInfo.of(3, "other");
    s.apply(job(ActionType.CREATE_SCHEMA, 3, 0, 6, 210, other, null));
    TableInfo renamed = UpstreamFixture.table(20, "moved");
    s.apply(job(ActionType.RENAME_TABLE, 3, 20, 7, 220, null, renamed));
    assertThat(s.latest().databaseOf(20)).contains(other);
    assertThat(s.latest().table("test", "a")).isEmpty();
    assertThat(s.latest().table("other", "moved")).contains(renamed);

    s.apply(job(ActionType.DROP_SCHEMA, 3, 0, 8, 230, null, null));
    assertThat(s.latest().table(20)).isEmpty();
    assertThat(s.latest().database(3)).isEmpty();
    assertThat(s.snapshotAt(225).table(20)).contains(renamed);
  }

  @Test
  void gcKeepsTheSnapshotStillValidAtTheTs() {
    SchemaStorage s = storage();
    s.apply(job(ActionType.CREATE_TABLE, 2, 11, 5, 200, null, UpstreamFixture.table(11, "b")));
    s.apply(job(ActionType.CREATE_TABLE, 2, 12, 6, 300, null, UpstreamFixture.table(12, "c")));
    s.gc(250);
    assertThat(s.snapshotAt(260).ts()).isEqualTo(200);
    assertThat(s.snapshotAt(0).ts()).isEqualTo(200);
    assertThat(s.snapshotAt(300).ts()).isEqualTo(300);
  }
}
