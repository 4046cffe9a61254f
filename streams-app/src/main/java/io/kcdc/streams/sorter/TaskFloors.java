package io.kcdc.streams.sorter;

import io.kcdc.common.Tso;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The connector tasks' checkpoints seen in one partition of the internal topic, and the resolved ts they give every
 * table of the partition (docs/many-tables.md). Task {@code i} of {@code n} writes {@code TaskCheckpoint(i, n, ts)}
 * to every partition after all rows of its tables up to {@code ts}, so no row of its tables with a commit ts up to
 * {@code ts} follows in the partition (a re-sent one excepted, which the sorter drops or overwrites). Once every task
 * of a task count has written one, the minimum over them is the resolved ts of every table, whether it ever sent a
 * record or not: an idle table needs no record of its own. Of several complete task counts (the connector was
 * reconfigured) the largest minimum holds; every one of them was true when written. Pure; the sorter stores each
 * entry under {@link #key}.
 */
final class TaskFloors {
  private static final byte PREFIX = 'F';
  /** Task count → task index → checkpoint. */
  private final Map<Integer, Map<Integer, Long>> byCount = new TreeMap<>();
  private long floor;

  /** Records task {@code index} of {@code count} at {@code ts}; true if its checkpoint advanced. */
  boolean update(int index, int count, long ts) {
    if (count <= 0 || index < 0 || index >= count) {
      return false;
    }
    Map<Integer, Long> tasks = byCount.computeIfAbsent(count, c -> new TreeMap<>());
    Long before = tasks.get(index);
    if (before != null && !Tso.after(ts, before)) {
      return false;
    }
    tasks.put(index, ts);
    if (tasks.size() == count) {
      long min = tasks.values().stream().reduce(-1L, Tso::min);
      floor = Tso.max(floor, min);
    }
    return true;
  }

  /** No row of any table with a commit ts up to this follows in the partition; 0 while no task count is complete. */
  long floor() {
    return floor;
  }

  /** The store key of task {@code index} of {@code count}: 9 bytes, apart from table keys (8) and the barrier's (7). */
  static byte[] key(int index, int count) {
    return ByteBuffer.allocate(9).put(PREFIX).putInt(index).putInt(count).array();
  }

  /** Reads back an entry stored under {@link #key}; false for any other key. */
  boolean load(byte[] key, byte[] value) {
    if (key.length != 9 || key[0] != PREFIX || value == null || value.length != 8) {
      return false;
    }
    ByteBuffer k = ByteBuffer.wrap(key);
    update(k.getInt(1), k.getInt(5), ByteBuffer.wrap(value).getLong());
    return true;
  }

  static byte[] value(long ts) {
    return ByteBuffer.allocate(8).putLong(ts).array();
  }
}
