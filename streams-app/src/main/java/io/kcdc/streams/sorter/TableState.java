package io.kcdc.streams.sorter;

import io.kcdc.common.Tso;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * What a sorter task knows of one table, kept in the resolved store so it survives restarts and rebalances.
 *
 * @param resolvedTs the highest resolved ts received
 * @param checkpointTs every row with {@code commitTs <= checkpointTs} is in the sink (never decreases)
 * @param lastSyncedTs the largest commit ts written to the sink (TiCDC's {@code lastSyncedTs}), 0 before any row
 * @param releaseTo the end of a release still under way, 0 when none is: rows up to it are being written in chunks
 * @param cursor the sorter key of the last row written by the release under way (null when none is); rows at or
 *     before it are in the sink even when their commit ts is above {@code checkpointTs}
 */
record TableState(long resolvedTs, long checkpointTs, long lastSyncedTs, long releaseTo, Bytes cursor) {
  static final TableState NEW = new TableState(0, 0, 0, 0, null);
  private static final int FIXED = 32;

  boolean releasing() {
    return releaseTo != 0;
  }

  /** True if the row with this sorter key and commit ts is in the sink already (a re-sent row). */
  boolean written(Bytes key, long commitTs) {
    return !Tso.after(commitTs, checkpointTs) || (cursor != null && key.compareTo(cursor) <= 0);
  }

  /** With a new resolved ts, and a release to {@code upTo} started or extended when it is past the checkpoint. */
  TableState advancedTo(long resolved, long upTo) {
    long end = releaseTo;
    if (Tso.after(upTo, checkpointTs) && Tso.after(upTo, releaseTo)) {
      end = upTo;
    }
    return new TableState(resolved, checkpointTs, lastSyncedTs, end, cursor);
  }

  /**
   * After a chunk of the release, the last row written had this key and commit ts: every row of a smaller commit
   * ts is in the sink, so the checkpoint moves to just below it.
   */
  TableState wroteThrough(Bytes key, long commitTs) {
    return new TableState(resolvedTs, Tso.max(checkpointTs, commitTs - 1), Tso.max(lastSyncedTs, commitTs),
        releaseTo, key);
  }

  /** The release under way is complete, its last row (if any) had {@code lastCommitTs}: the checkpoint is its end. */
  TableState released(long lastCommitTs) {
    return new TableState(resolvedTs, releaseTo, Tso.max(lastSyncedTs, lastCommitTs), 0, null);
  }

  byte[] encode() {
    byte[] cursorBytes = cursor == null ? new byte[0] : cursor.get();
    return ByteBuffer.allocate(FIXED + cursorBytes.length).putLong(resolvedTs).putLong(checkpointTs)
        .putLong(lastSyncedTs).putLong(releaseTo).put(cursorBytes).array();
  }

  /** Reads the states of every earlier layout: 16 bytes (no last synced ts), 24 (no release under way), 32+. */
  static TableState decode(byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    long lastSynced = v.length >= 24 ? b.getLong(16) : 0;
    long releaseTo = v.length >= FIXED ? b.getLong(24) : 0;
    Bytes cursor = v.length > FIXED ? Bytes.wrap(Arrays.copyOfRange(v, FIXED, v.length)) : null;
    return new TableState(b.getLong(0), b.getLong(8), lastSynced, releaseTo, cursor);
  }

}
