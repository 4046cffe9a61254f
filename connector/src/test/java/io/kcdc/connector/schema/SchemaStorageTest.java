package io.kcdc.connector.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.connector.UpstreamFixture;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.CIStr;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.PartitionInfo;
import io.kcdc.tidb.schema.RenameTablesArgs;
import io.kcdc.tidb.schema.TableInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
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

  @Test
  void gcDropsEverySnapshotBelowTheOneValidAtTheCheckpoint() {
    SchemaStorage s = storage();
    for (int i = 1; i <= 10; i++) {
      s.apply(job(ActionType.MODIFY_TABLE_COMMENT, 2, 10, i, 100 + 10L * i, null,
          UpstreamFixture.table(10, "a").toBuilder().comment("v" + i).build()));
    }
    assertThat(s.size()).isEqualTo(11);
    s.gc(155); // valid at 155: the snapshot of 150
    assertThat(s.size()).isEqualTo(6);
    assertThat(s.snapshotAt(155).table(10).orElseThrow().comment()).isEqualTo("v5");
    s.gc(155);
    assertThat(s.size()).isEqualTo(6);
    s.gc(10_000);
    assertThat(s.size()).isOne();
    assertThat(s.latest().table(10).orElseThrow().comment()).isEqualTo("v10");
  }

  /** TSOs are unsigned: one above 2^63 is newer than every positive one. */
  @Test
  void snapshotsAreOrderedAsUnsignedTimestamps() {
    SchemaStorage s = storage();
    long high = 0x8000_0000_0000_0100L;
    s.apply(job(ActionType.CREATE_TABLE, 2, 11, 5, high, null, UpstreamFixture.table(11, "b")));
    assertThat(s.snapshotAt(Long.MAX_VALUE).table(11)).isEmpty();
    assertThat(s.snapshotAt(high + 1).table(11)).isPresent();
    assertThat(s.latest().ts()).isEqualTo(high);
  }

  /**
   * Finding a row's schema is a floor lookup, not a scan: 60 000 versions looked up 60 000 times
   * at the oldest ts (a scan from the newest would compare 3.6e9 times).
   */
  @Test
  void findingTheSnapshotOfATsIsNotALinearScan() {
    SchemaStorage s = storage();
    TableInfo a = UpstreamFixture.table(10, "a");
    int versions = 60_000;
    for (int i = 1; i <= versions; i++) {
      s.apply(job(ActionType.MODIFY_TABLE_COMMENT, 2, 10, i, 1000 + i, null, a));
    }
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      for (int i = 0; i < versions; i++) {
        assertThat(s.snapshotAt(1000).ts()).isEqualTo(100);
      }
    });
  }

  private static TableInfo partitioned(long id, String name, long... partitionIds) {
    List<PartitionDefinition> defs = new java.util.ArrayList<>();
    for (int i = 0; i < partitionIds.length; i++) {
      defs.add(new PartitionDefinition(partitionIds[i], CIStr.of("p" + i), List.of(Long.toString(10L * (i + 1))), null, ""));
    }
    return UpstreamFixture.table(id, name).toBuilder()
        .partition(new PartitionInfo(PartitionInfo.TYPE_RANGE, "`id`", null, true, false, defs, null, null, null, 0))
        .build();
  }

  /** tiflow cdc/entry/schema/snapshot.go exchangePartition: the ids of the partition and the table swap. */
  @Test
  void exchangePartitionSwapsThePartitionIdAndTheTableId() {
    SchemaStorage s = new SchemaStorage(new SchemaSnapshot(100, List.of(TEST),
        Map.of(2L, List.of(partitioned(10, "pt", 11, 12), UpstreamFixture.table(20, "nt")))));
    TableInfo after = partitioned(10, "pt", 11, 20);
    s.apply(job(ActionType.EXCHANGE_TABLE_PARTITION, 2, 20, 5, 200, null, after));

    SchemaSnapshot snap = s.latest();
    assertThat(snap.table(10).orElseThrow().physicalTableIds()).containsExactly(11L, 20L);
    assertThat(snap.logicalTableId(20)).contains(10L);
    assertThat(snap.table("test", "nt").orElseThrow().id()).isEqualTo(12);
    assertThat(snap.logicalTableId(12)).contains(12L);
    assertThat(snap.table(20)).isEmpty();
    assertThat(snap.tableVersion(12)).isEqualTo(200);
    assertThat(snap.tableVersion(10)).isEqualTo(200);
    // before the exchange nothing changed
    assertThat(s.snapshotAt(199).logicalTableId(20)).contains(20L);
    assertThat(s.snapshotAt(199).logicalTableId(12)).contains(10L);
  }

  /** tiflow snapshot.go renameTables: every table of the job moves to its new schema and name. */
  @Test
  void renameTablesMovesEveryTableOfTheJob() {
    DBInfo other = DBInfo.of(3, "other");
    SchemaStorage s = new SchemaStorage(new SchemaSnapshot(100, List.of(TEST, other),
        Map.of(2L, List.of(UpstreamFixture.table(10, "a"), UpstreamFixture.table(11, "c")), 3L, List.of())));
    RenameTablesArgs args = new RenameTablesArgs(List.of(
        new RenameTablesArgs.Entry(2, 2, 10, CIStr.of("b"), CIStr.of("test"), CIStr.of("a")),
        new RenameTablesArgs.Entry(2, 3, 11, CIStr.of("d"), CIStr.of("test"), CIStr.of("c"))));
    DdlJob job = DdlJob.done(7, ActionType.RENAME_TABLES, 2, 10, "test", "a", "RENAME TABLE a TO b, c TO other.d",
        new HistoryInfo(5, null, null, 200, List.of(UpstreamFixture.table(10, "b"), UpstreamFixture.table(11, "d"))))
        .withRawArgs(args.toV1());
    s.apply(job);
    assertThat(s.latest().table("test", "b").orElseThrow().id()).isEqualTo(10);
    assertThat(s.latest().table("other", "d").orElseThrow().id()).isEqualTo(11);
    assertThat(s.latest().table("test", "a")).isEmpty();
    assertThat(s.latest().table("test", "c")).isEmpty();
  }
}
