package io.kcdc.tidb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowCodecTest {

  private static Map<Long, Object> row(Object... idValuePairs) {
    Map<Long, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < idValuePairs.length; i += 2) {
      m.put(((Number) idValuePairs[i]).longValue(), idValuePairs[i + 1]);
    }
    return m;
  }

  @Test
  void v2ExampleFromSpec() {
    byte[] v = RowEncoder.encodeV2(Tables.intPk(), row(1, 7L, 2, "abc", 3, null));
    assertThat(Hex.of(v)).isEqualTo("80 00 01 00 01 00 02 03 03 00 61 62 63");
  }

  @Test
  void v1ExampleFromSpec() {
    byte[] v = RowEncoder.encodeV1(Tables.intPk(), row(1, 7L, 2, "abc", 3, null));
    assertThat(Hex.of(v)).isEqualTo("08 04 02 06 61 62 63 08 06 00");
    assertThat(Hex.of(RowEncoder.encodeV1(Tables.intPk(), Map.of()))).isEqualTo("00");
  }

  @Test
  void decodeTakesIntHandleFromKey() {
    TableInfo t = Tables.intPk();
    byte[] key = TableCodec.recordKey(100, 7);
    for (byte[] value : List.of(Hex.bytes("80000100010002030300616263"), Hex.bytes("080402066162630806 00".replace(" ", "")))) {
      Object[] cols = RowDecoder.decode(t, key, value);
      assertThat(cols).hasSize(3);
      assertThat(cols[0]).isEqualTo(7L);
      assertThat((byte[]) cols[1]).asString(StandardCharsets.UTF_8).isEqualTo("abc");
      assertThat(cols[2]).isNull();
    }
  }

  @Test
  void emptyValueIsDelete() {
    assertThat(RowDecoder.decode(Tables.intPk(), TableCodec.recordKey(100, 1), new byte[0])).isNull();
  }

  @Test
  void unsignedIntHandleKeepsBitPattern() {
    TableInfo t = Tables.intPk().toBuilder()
        .columns(List.of(Tables.col(1, "id", 0, Tables.type(MysqlType.TYPE_LONGLONG,
            MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL | MysqlFlag.UNSIGNED))))
        .build();
    Object[] cols = RowDecoder.decode(t, TableCodec.recordKey(100, -1), RowEncoder.encodeV2(t, Map.of()));
    assertThat(cols[0]).isEqualTo(-1L);
    assertThat(MountedValue.toText(cols[0], t.columns().get(0).type())).isEqualTo("18446744073709551615");
  }

  @Test
  void largeLayoutForBigColumnIds() {
    TableInfo t = TableInfo.builder(5, "wide")
        .columns(List.of(Tables.col(300, "c", 0, Tables.type(MysqlType.TYPE_LONG, 0))))
        .build();
    byte[] v = RowEncoder.encodeV2(t, row(300, 1L));
    assertThat(Hex.of(v)).isEqualTo("80 01 01 00 00 00 2c 01 00 00 01 00 00 00 01");
    assertThat(RowDecoder.decode(t, TableCodec.recordKey(5, 1), v)).containsExactly(1L);
  }

  @Test
  void commonHandleKeyMatchesSpecAndValueCarriesPk() {
    TableInfo t = Tables.commonHandle();
    byte[] handle = CommonHandle.encode(List.of(t.columns().get(0).type()), List.of("aa"));
    assertThat(Hex.of(handle)).isEqualTo("01 61 61 00 00 00 00 00 00 f9");
    byte[] key = TableCodec.recordKey(101, handle);
    byte[] value = RowEncoder.encodeV2(t, row(1, "aa", 2, 5L));
    assertThat(Hex.of(value)).startsWith("80 00 02 00 00 00 01 02");
    Object[] cols = RowDecoder.decode(t, key, value);
    assertThat((byte[]) cols[0]).asString(StandardCharsets.UTF_8).isEqualTo("aa");
    assertThat(cols[1]).isEqualTo(5L);
  }

  @Test
  void commonHandleFallsBackToKey() {
    TableInfo t = Tables.commonHandle();
    byte[] key = TableCodec.recordKey(101, CommonHandle.encode(List.of(t.columns().get(0).type()), List.of("zz")));
    Object[] cols = RowDecoder.decode(t, key, RowEncoder.encodeV2(t, row(2, 5L)));
    assertThat((byte[]) cols[0]).asString(StandardCharsets.UTF_8).isEqualTo("zz");
  }

  @Test
  void commonHandleDecodesEveryKeyType() {
    var types = List.of(Tables.type(MysqlType.TYPE_LONG, 0), Tables.type(MysqlType.TYPE_LONGLONG, MysqlFlag.UNSIGNED),
        Tables.type(MysqlType.TYPE_DOUBLE, 0), Tables.type(MysqlType.TYPE_NEWDECIMAL, 0).withLength(6, 2),
        Tables.type(MysqlType.TYPE_DATETIME, 0), Tables.type(MysqlType.TYPE_DURATION, 0),
        Tables.type(MysqlType.TYPE_VARCHAR, 0).withCharset("binary", "binary"));
    List<Object> values = new ArrayList<>(List.of(-5L, -1L, 1.5d, "-12.30", "2020-02-20 02:20:20", "-01:02:03",
        "x y ".getBytes(StandardCharsets.UTF_8)));
    List<Object> back = CommonHandle.decode(CommonHandle.encode(types, values), types);
    assertThat(back.subList(0, 6)).containsExactly(-5L, -1L, 1.5d, "-12.30", "2020-02-20 02:20:20", "-01:02:03");
    assertThat((byte[]) back.get(6)).isEqualTo("x y ".getBytes(StandardCharsets.UTF_8));
    values.set(0, null);
    assertThat(CommonHandle.decode(CommonHandle.encode(types, values), types).get(0)).isNull();
  }

  @Test
  void binCollationKeyDropsTrailingSpaces() {
    var ft = Tables.type(MysqlType.TYPE_VARCHAR, 0);
    assertThat(CommonHandle.encode(List.of(ft), List.of("aa  ")))
        .isEqualTo(CommonHandle.encode(List.of(ft), List.of("aa")));
  }

  private static Map<Long, Object> allTypesRow() {
    Map<Long, Object> m = new HashMap<>();
    m.put(1L, 42L);
    m.put(2L, -128L);
    m.put(3L, 255L);
    m.put(4L, -32768L);
    m.put(5L, 8388607L);
    m.put(6L, -2147483648L);
    m.put(7L, Long.MIN_VALUE);
    m.put(8L, -2L);
    m.put(9L, 3.14f);
    m.put(10L, 2.71d);
    m.put(11L, "-12345678.90");
    m.put(12L, "2020-02-20");
    m.put(13L, "2020-02-20 02:20:20.123456");
    m.put(14L, "2020-02-20 02:20:20");
    m.put(15L, "-838:59:59.000");
    m.put(16L, 2020L);
    m.put(17L, "ch".getBytes(StandardCharsets.UTF_8));
    m.put(18L, "v\u00e9".getBytes(StandardCharsets.UTF_8));
    m.put(19L, new byte[] {0, (byte) 0xff});
    m.put(20L, "text".getBytes(StandardCharsets.UTF_8));
    m.put(21L, new byte[] {1, 2, 3});
    m.put(22L, 2L);
    m.put(23L, 5L);
    m.put(24L, 65L);
    m.put(25L, "{\"key1\": \"value1\"}");
    m.put(26L, "[1,2.5,-3]");
    return m;
  }

  @Test
  void everyTypeRoundTripsInBothFormats() {
    TableInfo t = Tables.allTypes();
    Map<Long, Object> m = allTypesRow();
    byte[] key = TableCodec.recordKey(200, 42);
    for (byte[] value : List.of(RowEncoder.encodeV2(t, m), RowEncoder.encodeV1(t, m))) {
      Object[] cols = RowDecoder.decode(t, key, value);
      List<ColumnInfo> visible = t.visibleColumns();
      assertThat(cols).hasSize(26).hasSize(visible.size());
      for (int i = 0; i < cols.length; i++) {
        Object expected = m.get(visible.get(i).id());
        if (expected instanceof byte[] b) {
          assertThat((byte[]) cols[i]).as(visible.get(i).name().o()).isEqualTo(b);
        } else {
          assertThat(cols[i]).as(visible.get(i).name().o()).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void timestampShownInChangefeedZone() {
    TableInfo t = Tables.allTypes();
    Object[] cols = RowDecoder.decode(t, TableCodec.recordKey(200, 42), RowEncoder.encodeV2(t, allTypesRow()),
        ZoneId.of("Asia/Shanghai"));
    assertThat(cols[13]).isEqualTo("2020-02-20 10:20:20");
    assertThat(cols[12]).isEqualTo("2020-02-20 02:20:20.123456");
  }

  @Test
  void textOfValuesLikeCanalJson() {
    TableInfo t = Tables.allTypes();
    Object[] cols = RowDecoder.decode(t, TableCodec.recordKey(200, 42), RowEncoder.encodeV2(t, allTypesRow()));
    List<ColumnInfo> visible = t.visibleColumns();
    List<String> text = new ArrayList<>();
    for (int i = 0; i < cols.length; i++) {
      text.add(MountedValue.toText(cols[i], visible.get(i).type()));
    }
    assertThat(text).containsExactly("42", "-128", "255", "-32768", "8388607", "-2147483648",
        "-9223372036854775808", "18446744073709551614", "3.14", "2.71", "-12345678.90", "2020-02-20",
        "2020-02-20 02:20:20.123456", "2020-02-20 02:20:20", "-838:59:59.000", "2020", "ch", "v\u00e9",
        "\u0000\u00ff", "text", "\u0001\u0002\u0003", "2", "5", "65", "{\"key1\": \"value1\"}", "[1,2.5,-3]");
  }

  @Test
  void missingColumnsUseOriginDefaultNullOrZero() {
    TableInfo base = Tables.intPk();
    List<ColumnInfo> cols = new ArrayList<>(base.columns());
    cols.add(Tables.col(4, "d", 3, Tables.type(MysqlType.TYPE_NEWDECIMAL, 0).withLength(10, 2)).withDefault("1.5"));
    cols.add(Tables.col(5, "n", 4, Tables.type(MysqlType.TYPE_LONG, 0)));
    cols.add(Tables.col(6, "e", 5, Tables.type(MysqlType.TYPE_ENUM, MysqlFlag.NOT_NULL)
        .withElems(List.of("x", "y"))));
    cols.add(Tables.col(7, "vc", 6, Tables.type(MysqlType.TYPE_VARCHAR, MysqlFlag.NOT_NULL)));
    cols.add(Tables.col(8, "dt", 7, Tables.type(MysqlType.TYPE_DATETIME, MysqlFlag.NOT_NULL)));
    cols.add(Tables.col(9, "ts", 8, Tables.type(MysqlType.TYPE_TIMESTAMP, 0))
        .withDefault("2020-02-20 02:20:20"));
    cols.add(Tables.col(10, "e2", 9, Tables.type(MysqlType.TYPE_ENUM, 0).withElems(List.of("x", "y")))
        .withDefault("y"));
    cols.add(Tables.col(11, "i", 10, Tables.type(MysqlType.TYPE_LONG, MysqlFlag.NOT_NULL)));
    TableInfo t = base.toBuilder().columns(cols).build();
    byte[] oldRow = RowEncoder.encodeV2(base, row(2, "abc", 3, 1L));
    Object[] out = RowDecoder.decode(t, TableCodec.recordKey(100, 1), oldRow, ZoneId.of("Asia/Shanghai"));
    assertThat(out[3]).isEqualTo("1.50");
    assertThat(out[4]).isNull();
    assertThat(out[5]).isEqualTo(1L);
    assertThat((byte[]) out[6]).isEmpty();
    assertThat(out[7]).isEqualTo("0000-00-00 00:00:00");
    assertThat(out[8]).isEqualTo("2020-02-20 10:20:20");
    assertThat(out[9]).isEqualTo(2L);
    assertThat(out[10]).isEqualTo(0L);
  }

  @Test
  void nanAndInfinityMountAsZero() {
    TableInfo t = TableInfo.builder(9, "f")
        .columns(List.of(Tables.col(1, "f", 0, Tables.type(MysqlType.TYPE_FLOAT, 0)),
            Tables.col(2, "d", 1, Tables.type(MysqlType.TYPE_DOUBLE, 0))))
        .build();
    Map<Long, Object> m = row(1, Float.NaN, 2, Double.NEGATIVE_INFINITY);
    assertThat(RowDecoder.decode(t, TableCodec.recordKey(9, 1), RowEncoder.encodeV2(t, m))).containsExactly(0f, 0d);
    assertThat(RowDecoder.decode(t, TableCodec.recordKey(9, 1), RowEncoder.encodeV1(t, m))).containsExactly(0f, 0d);
  }

  @Test
  void columnsUnknownToTheSchemaAreSkipped() {
    TableInfo t = Tables.intPk();
    TableInfo narrower = t.toBuilder().columns(t.columns().subList(0, 2)).build();
    byte[] v1 = RowEncoder.encodeV1(t, row(2, "abc", 3, 9L));
    byte[] v2 = RowEncoder.encodeV2(t, row(2, "abc", 3, 9L));
    assertThat(RowDecoder.decode(narrower, TableCodec.recordKey(100, 1), v1)).hasSize(2);
    assertThat(RowDecoder.decode(narrower, TableCodec.recordKey(100, 1), v2)).hasSize(2);
  }
}
