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
 */
final class Matcher {
  private record Key(long startTs, ByteBuffer key) {}

  private final Map<Key, Row> unmatched = new HashMap<>();
  private List<Row> cachedCommits = new ArrayList<>();
  private List<Row> cachedRollbacks = new ArrayList<>();

  private static Key keyOf(Row row) {
    return new Key(row.getStartTs(), ByteBuffer.wrap(row.getKey().toByteArray()));
  }

  void putPrewrite(Row row) {
    Key k = keyOf(row);
    Row old = unmatched.get(k);
    if (old != null) {
      // A prewrite without value is a txn heartbeat; an older generation is a stale retry.
      if (row.getValue().isEmpty() || row.getGeneration() < old.getGeneration()) {
        return;
      }
    }
    unmatched.put(k, row);
  }

  /**
   * The commit row completed with its prewrite's value and old value, or null if no prewrite
   * matches. Before initialization a heartbeat or pipelined (generation > 0) prewrite does not
   * count: the incremental scan delivers such rows as COMMITTED.
   */
  Row match(Row commit, boolean initialized) {
    Key k = keyOf(commit);
    Row prewrite = unmatched.get(k);
    if (prewrite == null) {
      return null;
    }
    if (!initialized && (prewrite.getValue().isEmpty() || prewrite.getGeneration() > 0)) {
      return null;
    }
    unmatched.remove(k);
    return commit.toBuilder().setValue(prewrite.getValue()).setOldValue(prewrite.getOldValue()).build();
  }

  void cacheCommit(Row row) {
    cachedCommits.add(row);
  }

  void cacheRollback(Row row) {
    cachedRollbacks.add(row);
  }

  void rollback(Row row) {
    unmatched.remove(keyOf(row));
  }

  /**
   * Replays the commits cached before INITIALIZED. Unmatched ones are dropped: their data came
   * as COMMITTED rows of the incremental scan.
   */
  List<Row> matchCachedCommits() {
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

  void matchCachedRollbacks() {
    cachedRollbacks.forEach(this::rollback);
    cachedRollbacks = new ArrayList<>();
  }
}
