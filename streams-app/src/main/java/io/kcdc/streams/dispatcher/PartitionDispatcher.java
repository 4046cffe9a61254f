package io.kcdc.streams.dispatcher;

import io.kcdc.streams.model.RowEvent;

/** Chooses the partition of a row (TiCDC's {@code partition.Dispatcher}). */
public interface PartitionDispatcher {
  int partition(RowEvent row, int partitionNum);

  /** {@code table} (and {@code default}): {@code crc32(schema ‖ table) % n}. */
  static PartitionDispatcher table() {
    return (row, n) -> new PositionInertiaHash().write(row.table().schemaName(), row.table().tableName()).partition(n);
  }

  /** {@code ts}: {@code commitTs % n}. */
  static PartitionDispatcher ts() {
    return (row, n) -> (int) Long.remainderUnsigned(row.commitTs(), n);
  }
}
