package io.kcdc.upstream.sql;

import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.Transaction;
import io.kcdc.upstream.kv.TxnKv;
import io.kcdc.upstream.kv.WriteConflictException;
import java.util.HashMap;
import java.util.Map;

/**
 * TiDB's auto id allocator: AUTO_INCREMENT values and {@code _tidb_rowid} share the base in the
 * {@code TID:<tableId>} meta field; ranges are reserved in their own transaction and handed out
 * from memory, so user transactions never conflict on the base.
 */
final class AutoIds {
  private static final long BATCH = 1000;

  private final TxnKv kv;
  private final Map<Long, long[]> ranges = new HashMap<>();

  AutoIds(TxnKv kv) {
    this.kv = kv;
  }

  /** The next id of a table (ids start at 1). */
  synchronized long next(long dbId, long tableId) {
    long[] r = ranges.get(tableId);
    if (r == null || r[0] >= r[1]) {
      long base = reserve(dbId, tableId, 0);
      r = new long[] {base, base + BATCH};
      ranges.put(tableId, r);
    }
    return ++r[0];
  }

  /** An explicit value was inserted: later ids must be larger (TiDB's rebase). */
  synchronized void rebase(long dbId, long tableId, long used) {
    long[] r = ranges.get(tableId);
    if (r != null && used <= r[0]) {
      return;
    }
    if (r != null && used < r[1]) {
      r[0] = used;
      return;
    }
    long base = reserve(dbId, tableId, used);
    ranges.put(tableId, new long[] {Math.max(base, used), base + BATCH});
  }

  /** Moves the persisted base to at least {@code min} + one batch; returns the old base. */
  private long reserve(long dbId, long tableId, long min) {
    for (int attempt = 0; ; attempt++) {
      Transaction txn = kv.begin();
      try {
        long base = Math.max(Catalog.autoIdBase(txn, dbId, tableId), min);
        Catalog.setAutoIdBase(txn, dbId, tableId, base + BATCH);
        txn.commit();
        return base;
      } catch (WriteConflictException e) {
        if (attempt > 10) {
          throw e;
        }
      }
    }
  }
}
