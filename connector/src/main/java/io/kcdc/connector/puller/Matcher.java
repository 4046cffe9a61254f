package io.kcdc.connector.puller;

import io.kcdc.kvproto.Cdcpb.Event.Row;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs PREWRITE rows with their COMMIT rows for one region (TiCDC's {@code matcher}): the
 * prewrite carries the value and old value, the commit only the commit ts. COMMIT and ROLLBACK
 * rows that arrive before the region is INITIALIZED are cached and replayed afterwards.
 *
 * <p>Unmatched prewrites stay on the heap while the puller's {@link PrewriteSpill} budget allows,
 * and go to its disk store beyond, so a huge transaction does not need a huge heap. Its stream's
 * thread uses it; {@link #discard()} may come from another (a registration given up), hence the
 * (uncontended) locking.
 */
final class Matcher {
  private record Key(long startTs, ByteBuffer key) {}

  private final PrewriteSpill spill;
  private final long id;
  private final Map<Key, Row> unmatched = new HashMap<>();
  /** Keys of this matcher's prewrites on disk; their count decides whether a lookup must go to disk. */
  private int spilled;
  private long spilledBytes;
  private boolean discarded;
  private List<Row> cachedCommits = new ArrayList<>();
  private List<Row> cachedRollbacks = new ArrayList<>();

  Matcher(PrewriteSpill spill) {
    this.spill = spill;
    this.id = spill.newMatcherId();
  }

  private static Key keyOf(Row row) {
    return new Key(row.getStartTs(), ByteBuffer.wrap(row.getKey().toByteArray()));
  }

  synchronized void putPrewrite(Row row) {
    if (discarded) {
      return; // the region is gone; a late row must not take budget that is never given back
    }
    Key k = keyOf(row);
    Row onHeap = unmatched.get(k);
    Row old = onHeap != null ? onHeap : spilledRow(k);
    if (old != null) {
      // A prewrite without value is a txn heartbeat; an older generation is a stale retry.
      if (row.getValue().isEmpty() || row.getGeneration() < old.getGeneration()) {
        return;
      }
      remove(k, old, onHeap != null);
    }
    if (spill.reserve(row.getSerializedSize())) {
      unmatched.put(k, row);
    } else {
      spill.put(id, k.startTs(), k.key().array(), row);
      spilled++;
      spilledBytes += row.getSerializedSize();
    }
  }

  private Row spilledRow(Key k) {
    return spilled == 0 ? null : spill.get(id, k.startTs(), k.key().array());
  }

  private void remove(Key k, Row row, boolean onHeap) {
    if (onHeap) {
      unmatched.remove(k);
      spill.release(row.getSerializedSize());
    } else {
      spill.delete(id, k.startTs(), k.key().array(), row);
      spilled--;
      spilledBytes -= row.getSerializedSize();
    }
  }

  /**
   * The commit row completed with its prewrite's value and old value, or null if no prewrite
   * matches. Before initialization a heartbeat or pipelined (generation > 0) prewrite does not
   * count: the incremental scan delivers such rows as COMMITTED.
   */
  synchronized Row match(Row commit, boolean initialized) {
    Key k = keyOf(commit);
    Row onHeap = unmatched.get(k);
    Row prewrite = onHeap != null ? onHeap : spilledRow(k);
    if (prewrite == null) {
      return null;
    }
    if (!initialized && (prewrite.getValue().isEmpty() || prewrite.getGeneration() > 0)) {
      return null;
    }
    remove(k, prewrite, onHeap != null);
    return commit.toBuilder().setValue(prewrite.getValue()).setOldValue(prewrite.getOldValue()).build();
  }

  synchronized void cacheCommit(Row row) {
    cachedCommits.add(row);
  }

  synchronized void cacheRollback(Row row) {
    cachedRollbacks.add(row);
  }

  synchronized void rollback(Row row) {
    Key k = keyOf(row);
    Row onHeap = unmatched.get(k);
    Row prewrite = onHeap != null ? onHeap : spilledRow(k);
    if (prewrite != null) {
      remove(k, prewrite, onHeap != null);
    }
  }

  /**
   * Replays the commits cached before INITIALIZED. Unmatched ones are dropped: their data came
   * as COMMITTED rows of the incremental scan.
   */
  synchronized List<Row> matchCachedCommits() {
    List<Row> out = new ArrayList<>();
    for (Row c : cachedCommits) {
      Row m = match(c, true);
      if (m != null) {
        out.add(m);
      }
    }
    cachedCommits = new ArrayList<>();
    return out;
  }

  synchronized void matchCachedRollbacks() {
    cachedRollbacks.forEach(this::rollback);
    cachedRollbacks = new ArrayList<>();
  }

  /** Gives back the heap budget and the disk space of the prewrites still unmatched (the region is gone). */
  synchronized void discard() {
    discarded = true;
    long heap = 0;
    for (Row r : unmatched.values()) {
      heap += r.getSerializedSize();
    }
    unmatched.clear();
    spill.release(heap);
    if (spilled > 0) {
      spill.discard(id, spilledBytes);
      spilled = 0;
      spilledBytes = 0;
    }
  }

  /** Unmatched prewrites, on the heap and on disk. */
  synchronized int size() {
    return unmatched.size() + spilled;
  }
}
