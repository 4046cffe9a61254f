package io.kcdc.connector.mounter;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.connector.puller.RawKvEntry;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.RowEncoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MounterTest {
  private static final long TABLE_ID = 100;

  /** id BIGINT PK (handle), name VARCHAR, price DOUBLE, f FLOAT, d DECIMAL(5,2), code INT UNIQUE NOT NULL, v virtual. */
  static TableInfo table() {
    ColumnInfo id = ColumnInfo.of(1, "id", 0, FieldType.of(MysqlType.TYPE_LONGLONG)
        .withFlag(MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL).withLength(20, 0));
    ColumnInfo name = ColumnInfo.of(2, "name", 1, FieldType.of(MysqlType.TYPE_VARCHAR).withLength(32, 0)).withDefault("x");
    ColumnInfo price = ColumnInfo.of(3, "price", 2, FieldType.of(MysqlType.TYPE_DOUBLE));
    ColumnInfo f = ColumnInfo.of(4, "f", 3, FieldType.of(MysqlType.TYPE_FLOAT));
    ColumnInfo d = ColumnInfo.of(5, "d", 4, FieldType.of(MysqlType.TYPE_NEWDECIMAL).withLength(5, 2));
    ColumnInfo code = ColumnInfo.of(6, "code", 5, FieldType.of(MysqlType.TYPE_LONG)
        .withFlag(MysqlFlag.NOT_NULL | MysqlFlag.UNIQUE_KEY | MysqlFlag.UNSIGNED));
    ColumnInfo v = ColumnInfo.of(7, "v", 6, FieldType.of(MysqlType.TYPE_LONGLONG))
        .withGenerated("`code` + 1", false, Map.of("code", Map.of()));
    IndexInfo uk = IndexInfo.of(1, "uk_code", "t", List.of(IndexColumn.of(code)), true, false);
    return TableInfo.builder(TABLE_ID, "t").columns(List.of(id, name, price, f, d, code, v))
        .indices(List.of(uk)).pkIsHandle(true).build();
  }

  private static final Mounter MOUNTER = new Mounter((t, k, v) -> Arrays.asList(RowDecoder.decode(t, k, v)));

  private static byte[] row(Object name, double price, float f, String d, long code) {
    Map<Long, Object> values = new HashMap<>();
    values.put(2L, name);
    values.put(3L, price);
    values.put(4L, f);
    values.put(5L, d);
    values.put(6L, code);
    return RowEncoder.encodeV2(table(), values);
  }

  @Test
  void insertHasOnlyTheNewImagePositionalToVisibleColumns() {
    byte[] key = TableCodec.recordKey(TABLE_ID, 42);
    RawKvEntry e = new RawKvEntry(RawKvEntry.OpType.PUT, key, row("abc", 2.5, 1.25f, "123.45", 7), new byte[0], 10, 11, 3);
    RowChange rc = MOUNTER.mount(e, TABLE_ID, table(), 0);
    assertThat(rc.getOp()).isEqualTo(RowOp.INSERT);
    assertThat(rc.getTableId()).isEqualTo(TABLE_ID);
    assertThat(rc.getPhysicalTableId()).isEqualTo(TABLE_ID);
    assertThat(rc.getStartTs()).isEqualTo(10);
    assertThat(rc.getCommitTs()).isEqualTo(11);
    assertThat(rc.getKey()).isEqualTo(ByteBuffer.wrap(key));
    assertThat(rc.getPreColumns()).isNull();
    assertThat(rc.getColumns()).containsExactly(42L, ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)),
        2.5d, 1.25f, "123.45", 7L);
  }

  @Test
  void updateHasBothImagesAndNullStaysNull() {
    byte[] key = TableCodec.recordKey(TABLE_ID, 1);
    RawKvEntry e = new RawKvEntry(RawKvEntry.OpType.PUT, key, row(null, 1, 0, "0.00", 2), row("a", 1, 0, "1.00", 2), 10, 11, 3);
    RowChange rc = MOUNTER.mount(e, TABLE_ID, table(), 5);
    assertThat(rc.getOp()).isEqualTo(RowOp.UPDATE);
    assertThat(rc.getSchemaVersion()).isEqualTo(5);
    assertThat(rc.getColumns().get(1)).isNull();
    assertThat(rc.getPreColumns().get(1)).isEqualTo(ByteBuffer.wrap("a".getBytes(StandardCharsets.UTF_8)));
    assertThat(rc.getPreColumns().get(4)).isEqualTo("1.00");
  }

  @Test
  void deleteHasOnlyTheOldImage() {
    byte[] key = TableCodec.recordKey(TABLE_ID, -5);
    RawKvEntry e = new RawKvEntry(RawKvEntry.OpType.DELETE, key, new byte[0], row("z", 0, 0, "0.00", 9), 10, 11, 3);
    RowChange rc = MOUNTER.mount(e, TABLE_ID, table(), 0);
    assertThat(rc.getOp()).isEqualTo(RowOp.DELETE);
    assertThat(rc.getColumns()).isNull();
    assertThat(rc.getPreColumns().get(0)).isEqualTo(-5L);
    assertThat(rc.getPreColumns().get(5)).isEqualTo(9L);
  }

  @Test
  void emptyRowIsSkipped() {
    RawKvEntry e = new RawKvEntry(RawKvEntry.OpType.DELETE, TableCodec.recordKey(TABLE_ID, 1), new byte[0], new byte[0], 1, 2, 3);
    assertThat(MOUNTER.mount(e, TABLE_ID, table(), 0)).isNull();
  }

  @Test
  void tableSchemaListsVisibleColumnsWithFlags() {
    TableSchema s = TableSchemas.of(TABLE_ID, "test", table(), 0);
    assertThat(s.getSchemaName()).isEqualTo("test");
    assertThat(s.getTableName()).isEqualTo("t");
    assertThat(s.getSchemaVersion()).isZero();
    assertThat(s.getIsPartition()).isFalse();
    assertThat(s.getColumns()).extracting(ColumnDef::getName).containsExactly("id", "name", "price", "f", "d", "code");
    ColumnDef id = s.getColumns().get(0);
    assertThat(id.getFlag()).isEqualTo(ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY | ColumnFlag.BINARY);
    assertThat(id.getMysqlFlag()).isEqualTo(MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL);
    assertThat(id.getType()).isEqualTo(MysqlType.TYPE_LONGLONG);
    assertThat(id.getFlen()).isEqualTo(20);
    assertThat(id.getDefaultValue()).isNull();
    ColumnDef name = s.getColumns().get(1);
    assertThat(name.getFlag()).isEqualTo(ColumnFlag.NULLABLE);
    assertThat(name.getCharset()).isEqualTo("utf8mb4");
    assertThat(name.getCollation()).isEqualTo("utf8mb4_bin");
    assertThat(name.getDefaultValue()).isEqualTo("x");
    ColumnDef d = s.getColumns().get(4);
    assertThat(d.getFlen()).isEqualTo(5);
    assertThat(d.getDecimal()).isEqualTo(2);
    ColumnDef code = s.getColumns().get(5);
    assertThat(code.getFlag()).isEqualTo(ColumnFlag.UNIQUE_KEY | ColumnFlag.UNSIGNED | ColumnFlag.BINARY);
    assertThat(s.getIndexes()).singleElement().satisfies(ix -> {
      assertThat(ix.getName()).isEqualTo("uk_code");
      assertThat(ix.getUnique()).isTrue();
      assertThat(ix.getPrimary()).isFalse();
      assertThat(ix.getColumns()).containsExactly("code");
    });
  }
}
