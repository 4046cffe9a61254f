package io.kcdc.capture.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.Ddl;
import io.kcdc.common.TableFilter;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.CIStr;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.HistoryInfo;
import io.kcdc.tidb.schema.PartitionDefinition;
import io.kcdc.tidb.schema.PartitionInfo;
import io.kcdc.tidb.schema.RenameTablesArgs;
import io.kcdc.tidb.schema.TableInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sink events of RenameTables and ExchangeTablePartition jobs as TiCDC builds them
 * (tiflow cdc/entry/schema_storage.go {@code buildRenameEvents}, cdc/model/sink.go
 * {@code FromJobWithArgs}).
 */
class DdlEventsLifecycleTest {
  private static final DBInfo D = DBInfo.of(2, "d");
  private static final DBInfo E = DBInfo.of(3, "e");
  private static final DBInfo X = DBInfo.of(4, "x");

  private static TableInfo table(long id, String name) {
    ColumnInfo pk = ColumnInfo.of(1, "id", 0, FieldType.of(MysqlType.TYPE_LONG)
        .withFlag(MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL).withLength(11, 0));
    return TableInfo.builder(id, name).columns(List.of(pk)).pkIsHandle(true).build();
  }

  private static TableInfo partitioned(long id, String name, long... parts) {
    List<PartitionDefinition> defs = new java.util.ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      defs.add(new PartitionDefinition(parts[i], CIStr.of("p" + i), List.of(Long.toString(10L * (i + 1))), null, ""));
    }
    return table(id, name).toBuilder()
        .partition(new PartitionInfo(PartitionInfo.TYPE_RANGE, "`id`", null, true, false, defs, null, null, null, 0)).build();
  }

  private static final DdlEvents EVENTS = new DdlEvents(TableFilter.parse(List.of("d.*", "e.*"), false));

  @Test
  void renameTablesIsOneRenameTableEventPerTableWithTiCdcsQuery() {
    SchemaSnapshot before = new SchemaSnapshot(100, List.of(D, E, X),
        Map.of(2L, List.of(table(10, "a"), table(11, "c"), table(12, "q")), 3L, List.of(), 4L, List.of()));
    RenameTablesArgs args = new RenameTablesArgs(List.of(
        new RenameTablesArgs.Entry(2, 2, 10, CIStr.of("b"), CIStr.of("d"), CIStr.of("a")),
        new RenameTablesArgs.Entry(2, 3, 11, CIStr.of("f"), CIStr.of("d"), CIStr.of("c")),
        new RenameTablesArgs.Entry(4, 4, 99, CIStr.of("z"), CIStr.of("x"), CIStr.of("y"))));
    DdlJob job = DdlJob.done(7, ActionType.RENAME_TABLES, 2, 10, "d", "a", "RENAME TABLE a TO b, c TO e.f, x.y TO x.z",
        new HistoryInfo(7, null, null, 200, List.of(table(10, "b"), table(11, "f"), table(99, "z"))))
        .withRawArgs(args.toV1()).withStartTs(150);
    SchemaSnapshot after = new SchemaSnapshot(200, List.of(D, E, X),
        Map.of(2L, List.of(table(10, "b"), table(12, "q")), 3L, List.of(table(11, "f")), 4L, List.of(table(99, "z"))));

    List<Ddl> out = EVENTS.of(job, before, after);

    // x.y is outside the filter (and unknown before): no event for it
    assertThat(out).extracting(Ddl::getQuery).containsExactly(
        "RENAME TABLE `d`.`a` TO `d`.`b`", "RENAME TABLE `d`.`c` TO `e`.`f`");
    assertThat(out).extracting(Ddl::getActionType).containsOnly(ActionType.RENAME_TABLE);
    assertThat(out).extracting(Ddl::getTableId).containsExactly(10L, 11L);
    assertThat(out).extracting(d -> d.getSchemaName() + "." + d.getTableName()).containsExactly("d.b", "e.f");
    assertThat(out).extracting(Ddl::getCommitTs).containsOnly(200L);
    assertThat(out).extracting(Ddl::getStartTs).containsOnly(150L);
  }

  @Test
  void exchangePartitionQueryIsNormalisedAsTiCdcDoes() {
    SchemaSnapshot before = new SchemaSnapshot(100, List.of(D, E),
        Map.of(2L, List.of(partitioned(10, "pt", 11, 12)), 3L, List.of(table(20, "nt"))));
    TableInfo pt = partitioned(10, "pt", 11, 20);
    SchemaSnapshot after = new SchemaSnapshot(200, List.of(D, E),
        Map.of(2L, List.of(pt), 3L, List.of(table(12, "nt"))));
    DdlJob job = DdlJob.done(7, ActionType.EXCHANGE_TABLE_PARTITION, 3, 20, "e", "nt",
        "alter table pt exchange partition p1 with table e.nt without validation",
        new HistoryInfo(7, null, pt, 200, null));

    assertThat(EVENTS.of(job, before, after)).singleElement().satisfies(d -> {
      assertThat(d.getQuery()).isEqualTo("ALTER TABLE `d`.`pt` EXCHANGE PARTITION `p1` WITH TABLE `e`.`nt` WITHOUT VALIDATION");
      assertThat(d.getTableId()).isEqualTo(10);
      assertThat(d.getSchemaName() + "." + d.getTableName()).isEqualTo("d.pt");
    });
    DdlJob validated = DdlJob.done(7, ActionType.EXCHANGE_TABLE_PARTITION, 3, 20, "e", "nt",
        "ALTER TABLE d.pt EXCHANGE PARTITION p1 WITH TABLE e.nt", new HistoryInfo(7, null, pt, 200, null));
    assertThat(EVENTS.of(validated, before, after)).extracting(Ddl::getQuery)
        .containsExactly("ALTER TABLE `d`.`pt` EXCHANGE PARTITION `p1` WITH TABLE `e`.`nt`");
  }
}
