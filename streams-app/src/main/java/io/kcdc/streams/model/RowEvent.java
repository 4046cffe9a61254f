package io.kcdc.streams.model;

import io.kcdc.avro.RowChange;
import io.kcdc.tidb.TableCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * A committed row change with its table schema (TiCDC's {@code RowChangedEvent}). Values are positional to
 * {@link TableInfo#columns()}: {@code Long} (unsigned columns carry the bit pattern), {@code Float},
 * {@code Double}, {@code String}, {@code byte[]} or {@code null}. {@code columns} is null for a delete,
 * {@code preColumns} null for an insert.
 *
 * @param physicalTableId the partition id for partitioned tables, else the table id
 * @param rowKey the raw TiDB record key ({@code t{id}_r{handle}}), or null when unknown
 */
public record RowEvent(TableInfo table, long startTs, long commitTs, List<Object> columns, List<Object> preColumns,
    long physicalTableId, byte[] rowKey) {

  public RowEvent(TableInfo table, long startTs, long commitTs, List<Object> columns, List<Object> preColumns) {
    this(table, startTs, commitTs, columns, preColumns, table.tableId(), null);
  }

  public static RowEvent of(TableInfo table, RowChange row) {
    byte[] key = new byte[row.getKey().remaining()];
    row.getKey().duplicate().get(key);
    return new RowEvent(table, row.getStartTs(), row.getCommitTs(), values(row.getColumns()), values(row.getPreColumns()),
        row.getPhysicalTableId(), key);
  }

  /** The same change with other images (column selection keeps positions in step with {@code table}). */
  public RowEvent with(TableInfo newTable, List<Object> newColumns, List<Object> newPreColumns) {
    return new RowEvent(newTable, startTs, commitTs, newColumns, newPreColumns, physicalTableId, rowKey);
  }

  /** TiCDC's {@code RowID}: the int handle of the row key; empty for common handles or an unknown key. */
  public OptionalLong rowId() {
    if (rowKey == null || !TableCodec.isRecordKey(rowKey)) {
      return OptionalLong.empty();
    }
    TableCodec.RecordKey k = TableCodec.decodeRecordKey(rowKey);
    return k.isIntHandle() ? OptionalLong.of(k.intHandle()) : OptionalLong.empty();
  }

  public boolean isInsert() {
    return preColumns == null && columns != null;
  }

  public boolean isDelete() {
    return columns == null && preColumns != null;
  }

  public boolean isUpdate() {
    return columns != null && preColumns != null;
  }

  /** The image that identifies the row: the new one, or the old one for a delete. */
  public List<Object> keyColumns() {
    return columns != null ? columns : preColumns;
  }

  private static List<Object> values(List<Object> avro) {
    if (avro == null) {
      return null;
    }
    List<Object> out = new ArrayList<>(avro.size());
    for (Object v : avro) {
      if (v instanceof ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.duplicate().get(bytes);
        out.add(bytes);
      } else if (v instanceof CharSequence cs) {
        out.add(cs.toString());
      } else {
        out.add(v);
      }
    }
    return Collections.unmodifiableList(out);
  }
}
