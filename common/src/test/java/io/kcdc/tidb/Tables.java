package io.kcdc.tidb;

import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.FieldType;
import io.kcdc.tidb.schema.IndexColumn;
import io.kcdc.tidb.schema.IndexInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.List;

/** Table definitions shared by the codec tests. */
final class Tables {
  private Tables() {}

  static FieldType type(int tp, int flag) {
    return FieldType.of(tp).withFlag(flag);
  }

  static ColumnInfo col(long id, String name, int offset, FieldType ft) {
    return ColumnInfo.of(id, name, offset, ft);
  }

  /** {@code t(id BIGINT PRIMARY KEY, c2 VARCHAR(10), c3 INT)}: the spec's row example. */
  static TableInfo intPk() {
    return TableInfo.builder(100, "t")
        .columns(List.of(
            col(1, "id", 0, type(MysqlType.TYPE_LONGLONG,
                MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL).withLength(20, 0)),
            col(2, "c2", 1, type(MysqlType.TYPE_VARCHAR, 0).withLength(10, 0)),
            col(3, "c3", 2, type(MysqlType.TYPE_LONG, 0).withLength(11, 0))))
        .pkIsHandle(true)
        .build();
  }

  /** {@code t(a VARCHAR(255) PRIMARY KEY CLUSTERED, b INT)}. */
  static TableInfo commonHandle() {
    List<ColumnInfo> cols = List.of(
        col(1, "a", 0, type(MysqlType.TYPE_VARCHAR, MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL)
            .withLength(255, 0)),
        col(2, "b", 1, type(MysqlType.TYPE_LONG, 0)));
    return TableInfo.builder(101, "t")
        .columns(cols)
        .indices(List.of(IndexInfo.of(1, "PRIMARY", "t", List.of(IndexColumn.of(cols.get(0))), true, true)))
        .commonHandle(true)
        .build();
  }

  /** One column per type, column id = offset + 1, plus a virtual generated column at the end. */
  static TableInfo allTypes() {
    List<ColumnInfo> cols = new ArrayList<>();
    cols.add(col(1, "id", 0, type(MysqlType.TYPE_LONGLONG, MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL)));
    cols.add(col(2, "ti", 1, type(MysqlType.TYPE_TINY, 0)));
    cols.add(col(3, "tiu", 2, type(MysqlType.TYPE_TINY, MysqlFlag.UNSIGNED)));
    cols.add(col(4, "si", 3, type(MysqlType.TYPE_SHORT, 0)));
    cols.add(col(5, "mi", 4, type(MysqlType.TYPE_INT24, 0)));
    cols.add(col(6, "i", 5, type(MysqlType.TYPE_LONG, 0)));
    cols.add(col(7, "bi", 6, type(MysqlType.TYPE_LONGLONG, 0)));
    cols.add(col(8, "biu", 7, type(MysqlType.TYPE_LONGLONG, MysqlFlag.UNSIGNED)));
    cols.add(col(9, "f", 8, type(MysqlType.TYPE_FLOAT, 0)));
    cols.add(col(10, "d", 9, type(MysqlType.TYPE_DOUBLE, 0)));
    cols.add(col(11, "dec", 10, type(MysqlType.TYPE_NEWDECIMAL, 0).withLength(10, 2)));
    cols.add(col(12, "dt", 11, type(MysqlType.TYPE_DATE, 0)));
    cols.add(col(13, "dtm", 12, type(MysqlType.TYPE_DATETIME, 0).withLength(26, 6)));
    cols.add(col(14, "ts", 13, type(MysqlType.TYPE_TIMESTAMP, 0).withLength(19, 0)));
    cols.add(col(15, "tm", 14, type(MysqlType.TYPE_DURATION, 0).withLength(12, 3)));
    cols.add(col(16, "y", 15, type(MysqlType.TYPE_YEAR, 0)));
    cols.add(col(17, "ch", 16, type(MysqlType.TYPE_STRING, 0)));
    cols.add(col(18, "vc", 17, type(MysqlType.TYPE_VARCHAR, 0)));
    cols.add(col(19, "bin", 18, type(MysqlType.TYPE_STRING, MysqlFlag.BINARY)
        .withCharset(FieldType.BINARY_CHARSET, FieldType.BINARY_CHARSET)));
    cols.add(col(20, "txt", 19, type(MysqlType.TYPE_BLOB, MysqlFlag.BLOB)));
    cols.add(col(21, "blb", 20, type(MysqlType.TYPE_BLOB, MysqlFlag.BLOB | MysqlFlag.BINARY)
        .withCharset(FieldType.BINARY_CHARSET, FieldType.BINARY_CHARSET)));
    cols.add(col(22, "e", 21, type(MysqlType.TYPE_ENUM, 0).withElems(List.of("a", "b", "c"))));
    cols.add(col(23, "s", 22, type(MysqlType.TYPE_SET, 0).withElems(List.of("x", "y", "z"))));
    cols.add(col(24, "bt", 23, type(MysqlType.TYPE_BIT, MysqlFlag.UNSIGNED).withLength(8, 0)));
    cols.add(col(25, "j", 24, type(MysqlType.TYPE_JSON, MysqlFlag.BINARY)));
    cols.add(col(26, "vec", 25, type(MysqlType.TYPE_TIDB_VECTOR_FLOAT32, 0)));
    cols.add(col(27, "g", 26, type(MysqlType.TYPE_LONGLONG, 0))
        .withGenerated("`bi` + 1", false, null));
    return TableInfo.builder(200, "all_types").columns(cols).pkIsHandle(true).build();
  }
}
