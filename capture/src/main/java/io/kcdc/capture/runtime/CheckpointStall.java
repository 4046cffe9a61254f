package io.kcdc.capture.runtime;

import java.util.OptionalLong;

/**
 * Notices a changefeed checkpoint that stands still, so that the owner can say where it waits
 * (docs/crash-recovery.md#where-the-seconds-go): after {@link #AFTER_MS} without a move, and then
 * every {@link #AFTER_MS} while it still stands, {@link #observe} answers how long it has stood.
 * Pure: the caller gives the clock.
 */
final class CheckpointStall {
  static final long AFTER_MS = 5_000;

  private long checkpoint = Long.MIN_VALUE;
  private long sinceMillis;
  private long reportedMillis;

  /** The checkpoint seen at {@code nowMillis}; how long it has stood still, when that is worth a report now. */
  OptionalLong observe(long checkpointTs, long nowMillis) {
    if (checkpointTs != checkpoint) {
      checkpoint = checkpointTs;
      sinceMillis = nowMillis;
      reportedMillis = nowMillis;
      return OptionalLong.empty();
    }
    if (nowMillis - reportedMillis < AFTER_MS) {
      return OptionalLong.empty();
    }
    reportedMillis = nowMillis;
    return OptionalLong.of(nowMillis - sinceMillis);
  }
}
