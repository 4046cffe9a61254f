package io.kcdc.capture.runtime;

import io.kcdc.avro.PartitionProgress;
import io.kcdc.avro.TableProgress;
import io.kcdc.common.Tso;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a changefeed's progress topic says, pure (the {@link ProgressTracker} feeds it): the tables' own
 * {@code TableProgress} (only tables that had rows report on their own) and each internal partition's
 * {@code PartitionProgress}, which holds for every table of the partition (docs/many-tables.md). Once every
 * partition has reported, the changefeed checkpoint is the minimum over the partitions: O(partitions), not
 * O(tables), per owner tick. Each entry keeps its highest checkpoint (a record re-read after a restart never moves it
 * back). Thread-safe: one thread applies, others read.
 */
final class ProgressBook {
  private final Map<Long, TableProgress> byTable = new ConcurrentHashMap<>();
  private final Map<Integer, PartitionProgress> byPartition = new ConcurrentHashMap<>();
  private final int partitions;

  /** @param partitions the partitions of the internal topic, each reporting its progress */
  ProgressBook(int partitions) {
    this.partitions = partitions;
  }

  void table(TableProgress p) {
    byTable.merge(p.getTableId(), p, (a, b) -> !Tso.before(b.getCheckpointTs(), a.getCheckpointTs()) ? b : a);
  }

  void partition(PartitionProgress p) {
    byPartition.merge(p.getPartition(), p, (a, b) -> !Tso.before(b.getCheckpointTs(), a.getCheckpointTs()) ? b : a);
  }

  /**
   * The minimum checkpoint over {@code tableIds}, or empty while a table has no progress yet: the minimum over the
   * partitions once each has reported (it covers every table), else over the tables' own reports, the larger of the
   * two when both are known (each is a lower bound of every table's checkpoint).
   */
  OptionalLong checkpoint(Set<Long> tableIds) {
    return larger(minOverPartitions(true), min(tableIds, true));
  }

  /** The largest commit ts any of {@code tableIds} has written to the sink, 0 while unknown. */
  long lastSynced(Set<Long> tableIds) {
    long max = 0;
    for (TableProgress p : byTable.values()) { // the tables that had rows, not every table
      if (Tso.after(p.getLastSyncedTs(), max) && tableIds.contains(p.getTableId())) {
        max = p.getLastSyncedTs();
      }
    }
    return max;
  }

  /** The minimum resolved ts the sorter has seen over {@code tableIds}. */
  OptionalLong resolved(Set<Long> tableIds) {
    return larger(minOverPartitions(false), min(tableIds, false));
  }

  private static OptionalLong larger(OptionalLong a, OptionalLong b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : OptionalLong.of(Tso.max(a.getAsLong(), b.getAsLong()));
  }

  private OptionalLong minOverPartitions(boolean checkpoint) {
    if (partitions <= 0 || byPartition.size() < partitions) {
      return OptionalLong.empty();
    }
    long min = -1L; // unsigned max
    for (int p = 0; p < partitions; p++) {
      PartitionProgress progress = byPartition.get(p);
      if (progress == null) {
        return OptionalLong.empty();
      }
      min = Tso.min(min, checkpoint ? progress.getCheckpointTs() : progress.getResolvedTs());
    }
    return OptionalLong.of(min);
  }

  private OptionalLong min(Set<Long> tableIds, boolean checkpoint) {
    if (tableIds.isEmpty() || byTable.size() < tableIds.size()) {
      return OptionalLong.empty(); // some table has not reported on its own
    }
    long min = -1L; // unsigned max
    for (long id : tableIds) {
      TableProgress p = byTable.get(id);
      if (p == null) {
        return OptionalLong.empty();
      }
      long v = checkpoint ? p.getCheckpointTs() : p.getResolvedTs();
      if (Tso.before(v, min)) {
        min = v;
      }
    }
    return OptionalLong.of(min);
  }

  /**
   * Where each internal partition stands, for an operator: its checkpoint and resolved ts as seconds behind
   * {@code nowMillis}, e.g. {@code "0: 12.3 s / 0.4 s, 1: not reported"}.
   */
  String partitionsBehind(long nowMillis) {
    StringBuilder out = new StringBuilder();
    for (int p = 0; p < partitions; p++) {
      if (p > 0) {
        out.append(", ");
      }
      PartitionProgress progress = byPartition.get(p);
      out.append(p).append(": ");
      if (progress == null) {
        out.append("not reported");
      } else {
        out.append(secondsBehind(progress.getCheckpointTs(), nowMillis)).append(" s / ")
            .append(secondsBehind(progress.getResolvedTs(), nowMillis)).append(" s");
      }
    }
    return out.toString();
  }

  static String secondsBehind(long ts, long nowMillis) {
    return String.format(java.util.Locale.ROOT, "%.1f", (nowMillis - Tso.physical(ts)) / 1000.0);
  }
}
