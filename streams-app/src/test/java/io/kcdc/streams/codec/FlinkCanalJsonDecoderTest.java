package io.kcdc.streams.codec;

import static io.kcdc.streams.Fixtures.*;
import static org.apache.flink.table.api.DataTypes.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.json.canal.CanalJsonDeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Apache Flink's canal-json deserializer (flink-json) reads our INSERT/UPDATE/DELETE messages. */
class FlinkCanalJsonDecoderTest {
  private static final DataType ROW_TYPE = ROW(FIELD("id", BIGINT()), FIELD("name", STRING()), FIELD("u", BIGINT()),
      FIELD("price", DECIMAL(10, 2)), FIELD("f", FLOAT()), FIELD("d", DOUBLE()), FIELD("dt", TIMESTAMP(0)),
      FIELD("day", DATE()), FIELD("j", STRING()));
  private static CanalJsonDeserializationSchema flink;

  @BeforeAll
  static void open() throws Exception {
    flink = CanalJsonDeserializationSchema.builder(ROW_TYPE, List.of(), TypeInformation.of(RowData.class))
        .setIgnoreParseErrors(false).build();
    flink.open(new DeserializationSchema.InitializationContext() {
      @Override
      public MetricGroup getMetricGroup() {
        return new UnregisteredMetricsGroup();
      }

      @Override
      public UserCodeClassLoader getUserCodeClassLoader() {
        return SimpleUserCodeClassLoader.create(FlinkCanalJsonDecoderTest.class.getClassLoader());
      }
    });
  }

  private static TableSchema table() {
    ColumnDef price = ColumnDef.newBuilder(column(4, "price", MysqlType.TYPE_NEWDECIMAL, ColumnFlag.NULLABLE, 0))
        .setFlen(10).setDecimal(2).build();
    return TableSchema.newBuilder().setTableId(40).setSchemaVersion(1).setSchemaName("shop").setTableName("items")
        .setColumns(List.of(
            column(1, "id", MysqlType.TYPE_LONGLONG, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY, MysqlFlag.PRI_KEY),
            column(2, "name", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0),
            column(3, "u", MysqlType.TYPE_LONG, ColumnFlag.UNSIGNED | ColumnFlag.NULLABLE, MysqlFlag.UNSIGNED),
            price,
            column(5, "f", MysqlType.TYPE_FLOAT, ColumnFlag.NULLABLE, 0),
            column(6, "d", MysqlType.TYPE_DOUBLE, ColumnFlag.NULLABLE, 0),
            column(7, "dt", MysqlType.TYPE_DATETIME, ColumnFlag.NULLABLE, 0),
            column(8, "day", MysqlType.TYPE_DATE, ColumnFlag.NULLABLE, 0),
            column(9, "j", MysqlType.TYPE_JSON, ColumnFlag.NULLABLE, 0)))
        .setIndexes(List.of()).build();
  }

  private static List<RowData> decode(byte[] message) throws Exception {
    List<RowData> out = new ArrayList<>();
    flink.deserialize(message, new Collector<>() {
      @Override
      public void collect(RowData record) {
        out.add(record);
      }

      @Override
      public void close() {}
    });
    return out;
  }

  @Test
  void insertUpdateDeleteOfSeveralTypes() throws Exception {
    CanalJsonEncoder enc = new CanalJsonEncoder(EncoderConfig.defaults().withTidbExtension(true));
    List<Object> v1 = values(1L, "apple", 4294967295L, "9.90", 1.5f, 2.25d, "2020-02-20 02:20:20", "2020-02-20",
        "{\"k\": [1, 2]}");
    List<Object> v2 = values(1L, "pear", 7L, "10.05", 1.5f, 2.25d, "2021-03-04 05:06:07", "2021-03-04", null);

    List<RowData> insert = decode(enc.encodeRow(event(table(), row(40, 1, 1, 10L << 18, RowOp.INSERT, 1, v1, null))).value());
    assertThat(insert).hasSize(1);
    RowData r = insert.get(0);
    assertThat(r.getRowKind()).isEqualTo(RowKind.INSERT);
    assertThat(r.getLong(0)).isEqualTo(1L);
    assertThat(r.getString(1).toString()).isEqualTo("apple");
    assertThat(r.getLong(2)).isEqualTo(4294967295L);
    assertThat(r.getDecimal(3, 10, 2).toBigDecimal()).isEqualByComparingTo(new BigDecimal("9.90"));
    assertThat(r.getFloat(4)).isEqualTo(1.5f);
    assertThat(r.getDouble(5)).isEqualTo(2.25d);
    assertThat(r.getTimestamp(6, 0).toLocalDateTime()).isEqualTo(LocalDateTime.of(2020, 2, 20, 2, 20, 20));
    assertThat(LocalDate.ofEpochDay(r.getInt(7))).isEqualTo(LocalDate.of(2020, 2, 20));
    assertThat(r.getString(8).toString()).isEqualTo("{\"k\": [1, 2]}");

    List<RowData> update = decode(enc.encodeRow(event(table(), row(40, 1, 2, 11L << 18, RowOp.UPDATE, 1, v2, v1))).value());
    assertThat(update).extracting(RowData::getRowKind).containsExactly(RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER);
    assertThat(update.get(0).getString(1).toString()).isEqualTo("apple");
    assertThat(update.get(1).getString(1).toString()).isEqualTo("pear");
    assertThat(update.get(1).getDecimal(3, 10, 2).toBigDecimal()).isEqualByComparingTo(new BigDecimal("10.05"));
    assertThat(update.get(1).isNullAt(8)).isTrue();

    List<RowData> delete = decode(enc.encodeRow(event(table(), row(40, 1, 3, 12L << 18, RowOp.DELETE, 1, null, v2))).value());
    assertThat(delete).hasSize(1);
    assertThat(delete.get(0).getRowKind()).isEqualTo(RowKind.DELETE);
    assertThat(delete.get(0).getString(1).toString()).isEqualTo("pear");
    assertThat(delete.get(0).getLong(2)).isEqualTo(7L);
  }
}
