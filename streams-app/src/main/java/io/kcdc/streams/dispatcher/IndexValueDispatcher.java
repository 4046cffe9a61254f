package io.kcdc.streams.dispatcher;

import io.kcdc.avro.IndexDef;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.model.ColumnValues;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.List;

/**
 * {@code index-value}: hash of schema and table XOR, per column, {@code crc32(name ‖ ColumnValueString)} over the
 * handle-key columns, or over the columns of the named unique index in index order. Deletes use the old image.
 */
public final class IndexValueDispatcher implements PartitionDispatcher {
  private final String indexName;

  /** @param indexName empty for the handle key */
  public IndexValueDispatcher(String indexName) {
    this.indexName = indexName == null ? "" : indexName;
  }

  @Override
  public int partition(RowEvent row, int partitionNum) {
    TableInfo t = row.table();
    PositionInertiaHash h = new PositionInertiaHash().write(t.schemaName(), t.tableName());
    List<Object> cols = row.keyColumns();
    if (indexName.isEmpty()) {
      for (int i = 0; i < cols.size(); i++) {
        if (t.isHandleKey(i)) {
          h.write(t.column(i).getName(), ColumnValues.toString(cols.get(i), t.isUnsigned(i)));
        }
      }
    } else {
      IndexDef index = t.index(indexName).orElseThrow(() -> new SinkConfigException(CdcError.DISPATCHER_FAILED,
          "dispatcher failed: index " + indexName + " not found in table " + t.schemaName() + "." + t.tableName()));
      for (String name : index.getColumns()) {
        int i = t.offsetOf(name);
        if (i < 0) {
          continue;
        }
        h.write(t.column(i).getName(), ColumnValues.toString(cols.get(i), t.isUnsigned(i)));
      }
    }
    return h.partition(partitionNum);
  }
}
