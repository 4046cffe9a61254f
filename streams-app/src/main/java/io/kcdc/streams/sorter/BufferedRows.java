package io.kcdc.streams.sorter;

import io.kcdc.common.Tso;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a table holds buffered rows above its checkpoint, answered from memory where possible: per table, the
 * largest commit ts put into the store since the table was last found empty above its checkpoint.
 *
 * <p>The store's own answer is a range scan, and RocksDB steps over every deleted row (tombstone) after the scan's
 * start until it meets a live key: for an empty table that is the released rows of every table after it, until
 * compaction drops them. Asked for every table that ran empty after a release, on every barrier, that scan held a
 * Streams thread for 20 s and more once a few hundred thousand rows had gone through (docs/crash-recovery.md). A
 * release deletes every row up to the table's new checkpoint, so rows remain exactly when something above it was
 * put; the store is scanned only while that is unknown, once per table after the task starts.
 */
final class BufferedRows {
  private final Map<Long, Long> maxPutSinceEmpty = new HashMap<>();

  /** A row of the table at {@code commitTs} went into the store. */
  void put(long tableId, long commitTs) {
    maxPutSinceEmpty.computeIfPresent(tableId, (t, max) -> Tso.max(max, commitTs));
  }

  /** Whether the table holds rows above {@code checkpointTs}; empty while unknown (the store has to be asked). */
  Optional<Boolean> above(long tableId, long checkpointTs) {
    Long max = maxPutSinceEmpty.get(tableId);
    return max == null ? Optional.empty() : Optional.of(Tso.after(max, checkpointTs));
  }

  /** The store holds no row of the table above {@code checkpointTs}. */
  void emptyAbove(long tableId, long checkpointTs) {
    maxPutSinceEmpty.put(tableId, checkpointTs);
  }

  /** The table left the partition (or its state is gone): unknown again. */
  void forget(long tableId) {
    maxPutSinceEmpty.remove(tableId);
  }
}
