package io.kcdc.streams.codec;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte-exact rows of TiCDC's TestCSVMessageEncode (docs/output-formats.md#csv). */
class CsvEncoderTest {
  private static final long TS = 435661838416609281L;

  private static TableSchema table(String name, ColumnDef... cols) {
    return TableSchema.newBuilder().setTableId(30).setSchemaVersion(1).setSchemaName("test").setTableName(name)
        .setColumns(List.of(cols)).setIndexes(List.of()).build();
  }

  private static ColumnDef col(int id, String name, int type) {
    return column(id, name, type, ColumnFlag.NULLABLE, 0);
  }

  private static String csv(CsvConfig c, io.kcdc.streams.model.RowEvent e) {
    return str(new CsvEncoder(c).encode(e));
  }

  @Test
  void quotedWithCommitTs() {
    TableSchema t = table("table1", col(1, "id", MysqlType.TYPE_LONG), col(2, "s", MysqlType.TYPE_VARCHAR));
    CsvConfig c = new CsvConfig(",", "\"", "\\N", true, null, false, false, false, "\n");
    assertThat(csv(c, event(t, row(30, 1, 1, TS, RowOp.INSERT, 1, values(123L, "hello,world"), null))))
        .isEqualTo("\"I\",\"table1\",\"test\",435661838416609281,123,\"hello,world\"\n");
  }

  @Test
  void escapedWithoutQuote() {
    TableSchema t = table("table2", col(1, "a", MysqlType.TYPE_VARCHAR), col(2, "b", MysqlType.TYPE_VARCHAR));
    CsvConfig c = new CsvConfig("!", "", "\\N", true, null, false, false, false, "\n");
    var update = event(t, row(30, 1, 1, TS, RowOp.UPDATE, 1, values("a!b!c", "def"), values("a!b!c", "abc")));
    assertThat(csv(c, update)).isEqualTo("U!table2!test!435661838416609281!a\\!b\\!c!def\n");

    CsvConfig oldValue = new CsvConfig("!", "", "\\N", true, null, true, true, false, "\n");
    assertThat(csv(oldValue, update)).isEqualTo("D!table2!test!435661838416609281!true!1!a\\!b\\!c!abc\n"
        + "I!table2!test!435661838416609281!true!1!a\\!b\\!c!def\n");
    assertThat(csv(c, event(t, row(30, 1, 1, TS, RowOp.INSERT, 1, values("x\r\n\\y", "z"), null))))
        .isEqualTo("I!table2!test!435661838416609281!x\\r\\n\\\\y!z\n");
  }

  @Test
  void multiCharacterDelimiterAndNull() {
    TableSchema t = table("table5", col(1, "a", MysqlType.TYPE_VARCHAR), col(2, "b", MysqlType.TYPE_VARCHAR),
        col(3, "c", MysqlType.TYPE_LONG), col(4, "d", MysqlType.TYPE_DOUBLE));
    CsvConfig c = new CsvConfig("[*]", "'", "\\N", false, null, false, false, false, "\n");
    assertThat(csv(c, event(t, row(30, 1, 1, TS, RowOp.INSERT, 1, values("a[*]b[*]c", "def", null, 12345.678d), null))))
        .isEqualTo("'I'[*]'table5'[*]'test'[*]'a[*]b[*]c'[*]'def'[*]\\N[*]12345.678\n");
    CsvConfig noQuote = new CsvConfig("[*]", "", "\\N", false, null, false, false, false, "\n");
    assertThat(csv(noQuote, event(t, row(30, 1, 1, TS, RowOp.INSERT, 1, values("a[*]b", "it's", null, 1e6), null))))
        .isEqualTo("I[*]table5[*]test[*]a\\[\\*\\]b[*]it's[*]\\N[*]1e+06\n");
  }

  @Test
  void tabDelimiterAndDelete() {
    TableSchema t = table("table8", col(1, "a", MysqlType.TYPE_VARCHAR), col(2, "d", MysqlType.TYPE_DOUBLE),
        col(3, "s", MysqlType.TYPE_VARCHAR));
    CsvConfig c = new CsvConfig("\t", "\"", "\\N", true, null, false, false, false, "\n");
    assertThat(csv(c, event(t, row(30, 1, 1, TS, RowOp.DELETE, 1, null, values("a\tb", 123.456d, "你好，世界")))))
        .isEqualTo("\"D\"\t\"table8\"\t\"test\"\t435661838416609281\t\"a\tb\"\t123.456\t\"你好，世界\"\n");
  }

  @Test
  void typesHeaderAndBinaryEncoding() {
    ColumnDef e = ColumnDef.newBuilder(col(3, "e", MysqlType.TYPE_ENUM)).setElems(List.of("x", "y")).build();
    ColumnDef s = ColumnDef.newBuilder(col(4, "s", MysqlType.TYPE_SET)).setElems(List.of("x", "y")).build();
    TableSchema t = table("t", col(1, "bin", MysqlType.TYPE_BLOB), column(2, "u", MysqlType.TYPE_LONGLONG,
        ColumnFlag.UNSIGNED, MysqlFlag.UNSIGNED), e, s, col(5, "f", MysqlType.TYPE_FLOAT), col(6, "q", MysqlType.TYPE_VARCHAR),
        col(7, "dec", MysqlType.TYPE_NEWDECIMAL));
    t = TableSchema.newBuilder(t).setColumns(List.of(ColumnDef.newBuilder(t.getColumns().get(0))
        .setFlag(ColumnFlag.BINARY).build(), t.getColumns().get(1), e, s, t.getColumns().get(4), t.getColumns().get(5),
        t.getColumns().get(6))).build();
    var row = event(t, row(30, 1, 1, TS, RowOp.INSERT, 1,
        values(ByteBuffer.wrap(new byte[] {1, (byte) 0xff}), -1L, 2L, 3L, 0.5f, "say \"hi\"", "1.50"), null));
    CsvConfig base64 = new CsvConfig(null, null, null, false, null, false, false, true, null);
    assertThat(csv(base64, row)).isEqualTo("\"I\",\"t\",\"test\",\"Af8=\",18446744073709551615,\"y\",\"x,y\",0.5,"
        + "\"say \"\"hi\"\"\",\"1.50\"\r\n");
    CsvConfig hex = new CsvConfig(null, null, null, false, "hex", false, false, true, null);
    assertThat(csv(hex, row)).startsWith("\"I\",\"t\",\"test\",\"01ff\",");
    assertThat(str(new CsvEncoder(new CsvConfig(" ", null, null, true, null, true, false, true, "\n"))
        .header(new TableInfo(t)))).isEqualTo("ticdc-meta$operation ticdc-meta$table ticdc-meta$schema "
            + "ticdc-meta$commit-ts ticdc-meta$is-update bin u e s f q dec\n");
    assertThatThrownBy(() -> new CsvConfig(",", ",", null, false, null, false, false, false, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
