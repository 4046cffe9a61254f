package io.kcdc.upstream.tikv;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The registrations of one EventFeed stream by the table their range lies in, so that a committed key finds the
 * registrations observing it without going over all of them: with a region per table (TiDB's split-table) and
 * 10,000 tables, checking every registration for every change was three quarters of the embedded upstream's write
 * path. A registration whose range is not inside one table's keys (the meta keys, a whole region, several tables)
 * is kept apart and checked for every change, as before. Thread safe.
 */
final class RegistrationIndex {
  private static final long NO_TABLE = Long.MIN_VALUE;
  /** TiDB's table keys: {@code t} + the 8-byte table id (TableCodec). */
  private static final int TABLE_PREFIX_LEN = 9;

  private final Map<Long, Set<Registration>> byTable = new ConcurrentHashMap<>();
  private final Set<Registration> wide = ConcurrentHashMap.newKeySet();

  void add(Registration reg) {
    if (reg.span == null) {
      return; // observes nothing
    }
    long table = tableOf(reg.span);
    if (table == NO_TABLE) {
      wide.add(reg);
    } else {
      byTable.compute(table, (t, regs) -> {
        Set<Registration> set = regs != null ? regs : ConcurrentHashMap.newKeySet();
        set.add(reg);
        return set;
      });
    }
  }

  void remove(Registration reg) {
    if (reg.span == null) {
      return;
    }
    long table = tableOf(reg.span);
    if (table == NO_TABLE) {
      wide.remove(reg);
    } else {
      byTable.computeIfPresent(table, (t, regs) -> {
        regs.remove(reg);
        return regs.isEmpty() ? null : regs;
      });
    }
  }

  void clear() {
    byTable.clear();
    wide.clear();
  }

  /** Every registration whose range holds the key ({@code rawKey}, and {@code encodedKey} its memcomparable form). */
  void forEachObserving(byte[] rawKey, byte[] encodedKey, Consumer<Registration> action) {
    if (rawKey.length >= TABLE_PREFIX_LEN && rawKey[0] == 't') {
      Set<Registration> regs = byTable.get(Codec.decodeInt(rawKey, 1));
      if (regs != null) {
        for (Registration reg : regs) {
          if (reg.span.contains(encodedKey)) {
            action.accept(reg);
          }
        }
      }
    }
    for (Registration reg : wide) {
      if (reg.span.contains(encodedKey)) {
        action.accept(reg);
      }
    }
  }

  /** The table whose keys hold the whole (encoded) span, or {@link #NO_TABLE}. */
  static long tableOf(KeySpan span) {
    if (span.start().length == 0 || span.end().length == 0) {
      return NO_TABLE;
    }
    byte[] start;
    try {
      start = Codec.decodeBytes(span.start(), 0).value();
    } catch (IllegalArgumentException e) {
      return NO_TABLE;
    }
    if (start.length < TABLE_PREFIX_LEN || start[0] != 't') {
      return NO_TABLE;
    }
    long table = Codec.decodeInt(start, 1);
    if (table == Long.MAX_VALUE) {
      return NO_TABLE;
    }
    byte[] nextTable = Codec.encodeBytes(TableCodec.tablePrefix(table + 1));
    return Arrays.compareUnsigned(span.end(), nextTable) <= 0 ? table : NO_TABLE;
  }
}
