package io.kcdc.tidb.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RenameTables arguments in both job versions; the JSON shapes follow TiDB's
 * {@code RenameTablesArgs} (pkg/meta/model/job_args.go).
 */
class RenameTablesArgsTest {

  private static DdlJob job(String rawArgs) {
    String json = "{\"id\":9,\"type\":47,\"state\":6,\"raw_args\":" + rawArgs + "}";
    return SchemaJson.read(json.getBytes(StandardCharsets.UTF_8), DdlJob.class);
  }

  @Test
  void versionOneParallelArrays() {
    RenameTablesArgs args = RenameTablesArgs.of(job("[[2,2],[2,5],[{\"O\":\"B\",\"L\":\"b\"},{\"O\":\"d\",\"L\":\"d\"}],"
        + "[10,12],[{\"O\":\"test\",\"L\":\"test\"},{\"O\":\"test\",\"L\":\"test\"}],"
        + "[{\"O\":\"a\",\"L\":\"a\"},{\"O\":\"c\",\"L\":\"c\"}]]"));
    assertThat(args.tables()).containsExactly(
        new RenameTablesArgs.Entry(2, 2, 10, new CIStr("B", "b"), CIStr.of("test"), CIStr.of("a")),
        new RenameTablesArgs.Entry(2, 5, 12, CIStr.of("d"), CIStr.of("test"), CIStr.of("c")));
    assertThat(args.of(12).orElseThrow().newSchemaId()).isEqualTo(5);
  }

  @Test
  void versionOneWithoutOldTableNamesAsOldTidbLeavesIt() {
    RenameTablesArgs args = RenameTablesArgs.of(job("[[2],[2],[{\"O\":\"b\",\"L\":\"b\"}],[10],"
        + "[{\"O\":\"test\",\"L\":\"test\"}]]"));
    assertThat(args.tables()).singleElement().satisfies(e -> {
      assertThat(e.tableId()).isEqualTo(10);
      assertThat(e.oldTableName()).isNull();
    });
  }

  @Test
  void versionTwoObject() {
    RenameTablesArgs args = RenameTablesArgs.of(job("{\"rename_table_infos\":[{\"old_schema_id\":2,"
        + "\"old_schema_name\":{\"O\":\"test\",\"L\":\"test\"},\"old_table_name\":{\"O\":\"a\",\"L\":\"a\"},"
        + "\"new_schema_id\":3,\"new_table_name\":{\"O\":\"b\",\"L\":\"b\"},\"table_id\":10}]}"));
    assertThat(args.tables()).containsExactly(
        new RenameTablesArgs.Entry(2, 3, 10, CIStr.of("b"), CIStr.of("test"), CIStr.of("a")));
  }

  @Test
  void writtenVersionOneReadsBack() {
    RenameTablesArgs args = new RenameTablesArgs(List.of(
        new RenameTablesArgs.Entry(2, 3, 10, CIStr.of("b"), CIStr.of("test"), CIStr.of("a"))));
    DdlJob job = DdlJob.done(9, ActionType.RENAME_TABLES, 2, 10, "test", "a", "q", null).withRawArgs(args.toV1());
    assertThat(RenameTablesArgs.of(SchemaJson.read(SchemaJson.toBytes(job), DdlJob.class))).isEqualTo(args);
  }
}
