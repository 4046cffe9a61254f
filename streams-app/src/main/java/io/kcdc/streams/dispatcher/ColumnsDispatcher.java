package io.kcdc.streams.dispatcher;

import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.model.ColumnValues;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.List;

/** {@code columns}: like index-value over the configured columns, hashed with the names as configured. */
public final class ColumnsDispatcher implements PartitionDispatcher {
  private final List<String> columns;

  public ColumnsDispatcher(List<String> columns) {
    this.columns = List.copyOf(columns);
  }

  @Override
  public int partition(RowEvent row, int partitionNum) {
    TableInfo t = row.table();
    PositionInertiaHash h = new PositionInertiaHash().write(t.schemaName(), t.tableName());
    List<Object> values = row.keyColumns();
    for (String name : columns) {
      int i = t.offsetOf(name);
      if (i < 0) {
        throw new SinkConfigException(CdcError.DISPATCHER_FAILED, "dispatcher failed: column " + name
            + " not found in table " + t.schemaName() + "." + t.tableName());
      }
      h.write(name, ColumnValues.toString(values.get(i), t.isUnsigned(i)));
    }
    return h.partition(partitionNum);
  }
}
