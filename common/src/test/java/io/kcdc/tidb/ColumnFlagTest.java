package io.kcdc.tidb;

import static io.kcdc.tidb.ColumnFlag.BINARY;
import static io.kcdc.tidb.ColumnFlag.GENERATED;
import static io.kcdc.tidb.ColumnFlag.HANDLE_KEY;
import static io.kcdc.tidb.ColumnFlag.MULTIPLE_KEY;
import static io.kcdc.tidb.ColumnFlag.NULLABLE;
import static io.kcdc.tidb.ColumnFlag.PRIMARY_KEY;
import static io.kcdc.tidb.ColumnFlag.UNIQUE_KEY;
import static io.kcdc.tidb.ColumnFlag.UNSIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnFlagTest {

  /** TiDB gives numeric columns the binary charset, and TiCDC flags every such column BINARY. */
  @Test
  void intPrimaryKeyIsHandle() {
    TableInfo t = Tables.intPk();
    assertThat(ColumnFlag.compute(t)).containsExactly(PRIMARY_KEY | HANDLE_KEY | BINARY, NULLABLE, NULLABLE | BINARY);
    assertThat(ColumnFlag.handleKeyColumns(t)).extracting(c -> c.name().o()).containsExactly("id");
  }

  @Test
  void commonHandleUsesPrimaryIndex() {
    TableInfo t = Tables.commonHandle();
    assertThat(ColumnFlag.compute(t)).containsExactly(PRIMARY_KEY | HANDLE_KEY, NULLABLE | BINARY);
    assertThat(ColumnFlag.handleKeyColumns(t)).extracting(ColumnInfo::id).containsExactly(1L);
  }

  @Test
  void smallestNotNullUniqueIndexIsHandle() {
    List<ColumnInfo> cols = List.of(
        Tables.col(1, "a", 0, Tables.type(MysqlType.TYPE_LONG, MysqlFlag.NOT_NULL | MysqlFlag.UNSIGNED)),
        Tables.col(2, "b", 1, Tables.type(MysqlType.TYPE_LONG, MysqlFlag.NOT_NULL)),
        Tables.col(3, "c", 2, Tables.type(MysqlType.TYPE_VARCHAR, MysqlFlag.UNIQUE_KEY)),
        Tables.col(4, "d", 3, Tables.type(MysqlType.TYPE_VARCHAR, MysqlFlag.BINARY)
            .withCharset(FieldType.BINARY_CHARSET, FieldType.BINARY_CHARSET)));
    TableInfo t = TableInfo.builder(7, "t")
        .columns(cols)
        .indices(List.of(
            IndexInfo.of(1, "uk_ab", "t", List.of(IndexColumn.of(cols.get(0)), IndexColumn.of(cols.get(1))), true, false),
            IndexInfo.of(2, "uk_c", "t", List.of(IndexColumn.of(cols.get(2))), true, false),
            IndexInfo.of(3, "uk_b", "t", List.of(IndexColumn.of(cols.get(1))), true, false),
            IndexInfo.of(4, "k_d", "t", List.of(IndexColumn.of(cols.get(3)), IndexColumn.of(cols.get(0))), false, false)))
        .build();
    assertThat(ColumnFlag.compute(t)).containsExactly(
        UNIQUE_KEY | MULTIPLE_KEY | UNSIGNED | BINARY,
        UNIQUE_KEY | MULTIPLE_KEY | HANDLE_KEY | BINARY,
        UNIQUE_KEY | NULLABLE,
        BINARY | NULLABLE | MULTIPLE_KEY);
    assertThat(ColumnFlag.handleKeyColumns(t)).extracting(ColumnInfo::id).containsExactly(2L);
    assertThat(ColumnFlag.eligible(t)).isTrue();
  }

  @Test
  void tieOnColumnCountGoesToSmallerIndexId() {
    List<ColumnInfo> cols = List.of(
        Tables.col(1, "a", 0, Tables.type(MysqlType.TYPE_LONG, MysqlFlag.NOT_NULL)),
        Tables.col(2, "b", 1, Tables.type(MysqlType.TYPE_LONG, MysqlFlag.NOT_NULL)));
    TableInfo t = TableInfo.builder(7, "t").columns(cols)
        .indices(List.of(IndexInfo.of(5, "uk_b", "t", List.of(IndexColumn.of(cols.get(1))), true, false),
            IndexInfo.of(3, "uk_a", "t", List.of(IndexColumn.of(cols.get(0))), true, false)))
        .build();
    assertThat(ColumnFlag.handleKeyColumns(t)).extracting(ColumnInfo::id).containsExactly(1L);
  }

  @Test
  void noKeyMeansNoHandleAndVirtualColumnsAreHidden() {
    List<ColumnInfo> cols = List.of(
        Tables.col(1, "a", 0, Tables.type(MysqlType.TYPE_LONG, 0)),
        Tables.col(2, "v", 1, Tables.type(MysqlType.TYPE_LONG, MysqlFlag.NOT_NULL)).withGenerated("a+1", false, null),
        Tables.col(3, "s", 2, Tables.type(MysqlType.TYPE_LONG, 0)).withGenerated("a+2", true, null));
    TableInfo t = TableInfo.builder(8, "t").columns(cols)
        .indices(List.of(IndexInfo.of(1, "uk_v", "t", List.of(IndexColumn.of(cols.get(1))), true, false),
            IndexInfo.of(2, "uk_a", "t", List.of(IndexColumn.of(cols.get(0))), true, false)))
        .build();
    assertThat(ColumnFlag.compute(t)).containsExactly(NULLABLE | UNIQUE_KEY | BINARY, GENERATED | NULLABLE | BINARY);
    assertThat(ColumnFlag.handleKeyColumns(t)).isEmpty();
    assertThat(ColumnFlag.eligible(t)).isFalse();
  }
}
