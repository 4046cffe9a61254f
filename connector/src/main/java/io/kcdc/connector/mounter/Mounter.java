package io.kcdc.connector.mounter;

import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.connector.puller.RawKvEntry;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.TableInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * TiCDC's mounter: turns a {@link RawKvEntry} into the internal topic's {@link RowChange} with
 * the table schema valid at its commit ts. INSERT = new value only, UPDATE = new and old value,
 * DELETE = old value only (docs/tidb-encoding.md#inserts-updates-and-deletes); column values are
 * mounted values (see {@code io.kcdc.tidb.MountedValue}) positional to the CDC-visible columns.
 */
public final class Mounter {
  private final RowValueDecoder decoder;

  public Mounter(RowValueDecoder decoder) {
    this.decoder = decoder;
  }

  /**
   * Mounts one row change of logical table {@code tableId}, or returns null when the entry has
   * neither a value nor an old value (TiCDC skips such empty rows).
   */
  public RowChange mount(RawKvEntry entry, long tableId, TableInfo table, long schemaVersion) {
    boolean hasNew = entry.op() == RawKvEntry.OpType.PUT && entry.value().length > 0;
    boolean hasOld = entry.oldValue().length > 0;
    if (!hasNew && !hasOld) {
      return null;
    }
    RowOp op = hasNew ? (hasOld ? RowOp.UPDATE : RowOp.INSERT) : RowOp.DELETE;
    return RowChange.newBuilder()
        .setTableId(tableId)
        .setPhysicalTableId(TableCodec.tableIdOf(entry.key()))
        .setSchemaVersion(schemaVersion)
        .setStartTs(entry.startTs())
        .setCommitTs(entry.commitTs())
        .setOp(op)
        .setKey(ByteBuffer.wrap(entry.key()))
        .setColumns(hasNew ? toAvro(decoder.decode(table, entry.key(), entry.value())) : null)
        .setPreColumns(hasOld ? toAvro(decoder.decode(table, entry.key(), entry.oldValue())) : null)
        .build();
  }

  /** Mounted values to the Avro union {@code [null, long, float, double, string, bytes]}. */
  static List<Object> toAvro(List<Object> values) {
    List<Object> out = new ArrayList<>(values.size());
    for (Object v : values) {
      if (v == null || v instanceof Long || v instanceof Float || v instanceof Double || v instanceof String) {
        out.add(v);
      } else if (v instanceof byte[] b) {
        out.add(ByteBuffer.wrap(b));
      } else {
        throw new IllegalArgumentException("not a mounted value: " + v.getClass().getName());
      }
    }
    return out;
  }
}
