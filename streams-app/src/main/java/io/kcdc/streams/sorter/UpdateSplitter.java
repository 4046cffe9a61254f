package io.kcdc.streams.sorter;

import io.kcdc.avro.RowChange;
import io.kcdc.avro.RowOp;
import io.kcdc.streams.model.ColumnValues;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import java.util.List;

/**
 * MQ sinks' update splitting (docs/kafka-sink.md#update-splitting): an UPDATE that changes a handle-key or unique-key
 * column becomes DELETE(old image) + INSERT(new image); other rows are kept as they are.
 */
public final class UpdateSplitter {
  private UpdateSplitter() {}

  public static boolean shouldSplit(TableInfo table, RowChange row) {
    if (row.getOp() != RowOp.UPDATE || row.getColumns() == null || row.getPreColumns() == null) {
      return false;
    }
    RowEvent e = RowEvent.of(table, row);
    for (int i = 0; i < table.columnCount(); i++) {
      if (!table.isHandleKey(i) && !table.isUniqueKey(i)) {
        continue;
      }
      boolean unsigned = table.isUnsigned(i);
      if (!ColumnValues.toString(e.preColumns().get(i), unsigned).equals(ColumnValues.toString(e.columns().get(i), unsigned))) {
        return true;
      }
    }
    return false;
  }

  /** The rows to buffer for {@code row}: itself, or its delete and insert halves. */
  public static List<RowChange> split(TableInfo table, RowChange row) {
    if (!shouldSplit(table, row)) {
      return List.of(row);
    }
    RowChange delete = RowChange.newBuilder(row).setOp(RowOp.DELETE).setColumns(null).build();
    RowChange insert = RowChange.newBuilder(row).setOp(RowOp.INSERT).setPreColumns(null).build();
    return List.of(delete, insert);
  }

  public static int dmlOrder(RowChange row) {
    return switch (row.getOp()) {
      case DELETE -> SorterKey.DELETE;
      case UPDATE -> SorterKey.UPDATE;
      case INSERT -> SorterKey.INSERT;
    };
  }
}
