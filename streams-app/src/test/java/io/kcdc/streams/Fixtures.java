package io.kcdc.streams;

import io.kcdc.avro.Barrier;
import io.kcdc.avro.ColumnDef;
import io.kcdc.avro.IndexDef;
import io.kcdc.avro.InternalEvent;
import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableResolved;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlFlag;
import io.kcdc.tidb.MysqlType;
import io.kcdc.tidb.TableCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test tables and internal-topic records. */
public final class Fixtures {
  public static final AvroBinary<InternalEvent> EVENTS = new AvroBinary<>(InternalEvent.class);

  private Fixtures() {}

  public static ColumnDef column(long id, String name, int type, int flag, int mysqlFlag) {
    return ColumnDef.newBuilder().setId(id).setName(name).setType(type).setFlag(flag).setMysqlFlag(mysqlFlag)
        .setFlen(-1).setDecimal(-1).setCharset(type == MysqlType.TYPE_VARCHAR ? "utf8mb4" : "binary")
        .setCollation(type == MysqlType.TYPE_VARCHAR ? "utf8mb4_bin" : "binary").setElems(List.of()).build();
  }

  /**
   * {@code test.t(id bigint primary key, name varchar(255), u int unsigned not null, unique key uk_u(u))}, clustered
   * int handle on {@code id}.
   */
  public static TableSchema testT(long tableId, long version) {
    return TableSchema.newBuilder().setTableId(tableId).setSchemaVersion(version).setSchemaName("test").setTableName("t")
        .setColumns(List.of(
            column(1, "id", MysqlType.TYPE_LONGLONG, ColumnFlag.HANDLE_KEY | ColumnFlag.PRIMARY_KEY,
                MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL),
            column(2, "name", MysqlType.TYPE_VARCHAR, ColumnFlag.NULLABLE, 0),
            column(3, "u", MysqlType.TYPE_LONG, ColumnFlag.UNIQUE_KEY | ColumnFlag.UNSIGNED,
                MysqlFlag.UNIQUE_KEY | MysqlFlag.NOT_NULL | MysqlFlag.UNSIGNED)))
        .setIndexes(List.of(
            IndexDef.newBuilder().setId(1).setName("PRIMARY").setPrimary(true).setUnique(true).setColumns(List.of("id")).build(),
            IndexDef.newBuilder().setId(2).setName("uk_u").setPrimary(false).setUnique(true).setColumns(List.of("u")).build()))
        .build();
  }

  public static TableSchema named(TableSchema base, long tableId, String schema, String table) {
    return TableSchema.newBuilder(base).setTableId(tableId).setSchemaName(schema).setTableName(table).build();
  }

  public static List<Object> values(Object... vs) {
    List<Object> out = new ArrayList<>();
    for (Object v : vs) {
      out.add(v instanceof String s ? ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)) : v);
    }
    return out;
  }

  public static byte[] rowKey(long tableId, long handle) {
    return TableCodec.recordKey(tableId, handle);
  }

  public static RowChange row(long tableId, long version, long startTs, long commitTs, RowOp op, long handle,
      List<Object> cols, List<Object> pre) {
    return RowChange.newBuilder().setTableId(tableId).setPhysicalTableId(tableId).setSchemaVersion(version)
        .setStartTs(startTs).setCommitTs(commitTs).setOp(op).setKey(ByteBuffer.wrap(rowKey(tableId, handle)))
        .setColumns(cols).setPreColumns(pre).build();
  }

  /** An insert into {@link #testT}: (id, "name-id", id). */
  public static RowChange insert(long tableId, long startTs, long commitTs, long id) {
    return row(tableId, 1, startTs, commitTs, RowOp.INSERT, id, values(id, "name-" + id, id), null);
  }

  public static RowEvent event(TableSchema schema, RowChange row) {
    return RowEvent.of(new TableInfo(schema), row);
  }

  public static byte[] encode(Object payload) {
    return EVENTS.encode(new InternalEvent(payload));
  }

  public static byte[] resolved(long tableId, long ts) {
    return encode(new TableResolved(tableId, ts));
  }

  /** The owner's DDL barrier (written with a null key to every partition of the internal topic). */
  public static byte[] barrier(long ts) {
    return encode(new Barrier(ts));
  }

  public static byte[] tableKey(long tableId) {
    return ByteBuffer.allocate(8).putLong(tableId).array();
  }

  public static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static List<Object> list(Object... v) {
    return Arrays.asList(v);
  }
}
