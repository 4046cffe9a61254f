package io.kcdc.streams.model;

import io.kcdc.avro.RowChange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A committed row change with its table schema (TiCDC's {@code RowChangedEvent}). Values are positional to
 * {@link TableInfo#columns()}: {@code Long} (unsigned columns carry the bit pattern), {@code Float},
 * {@code Double}, {@code String}, {@code byte[]} or {@code null}. {@code columns} is null for a delete,
 * {@code preColumns} null for an insert.
 */
public record RowEvent(TableInfo table, long startTs, long commitTs, List<Object> columns, List<Object> preColumns) {

  public static RowEvent of(TableInfo table, RowChange row) {
    return new RowEvent(table, row.getStartTs(), row.getCommitTs(), values(row.getColumns()), values(row.getPreColumns()));
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
