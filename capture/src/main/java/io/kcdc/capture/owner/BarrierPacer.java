package io.kcdc.capture.owner;

/**
 * When the owner writes a changed DDL barrier (pure; docs/catch-up.md, "Idle changefeeds are not free"). Every
 * barrier is a transaction to every internal partition, and each one makes every sorter task commit a Streams
 * transaction to report its partition's new checkpoint. While rows flow, and while a DDL waits at the barrier or was
 * just written, a changed barrier is written on every owner tick, so that it holds nothing longer than a tick;
 * otherwise — nothing to release, only time passing — at most once per {@code idleIntervalMs}, as often as an idle
 * connector task writes its checkpoint. The first row after a quiet spell is held by a barrier up to that old until
 * the owner sees its table report and writes the next one.
 */
final class BarrierPacer {
  private final long idleIntervalMs;
  private long writtenTs;
  private long writtenAtMs;
  private boolean written;

  BarrierPacer(long idleIntervalMs) {
    this.idleIntervalMs = idleIntervalMs;
  }

  /**
   * Whether barrier {@code ts} is to be written now.
   *
   * @param prompt rows flow, a DDL waits at the barrier or was just written: a tick's wait would hold them
   */
  boolean due(long ts, long nowMs, boolean prompt) {
    if (written && ts == writtenTs) {
      return false;
    }
    return !written || prompt || nowMs - writtenAtMs >= idleIntervalMs;
  }

  /** Records that barrier {@code ts} was written at {@code nowMs}. */
  void written(long ts, long nowMs) {
    writtenTs = ts;
    writtenAtMs = nowMs;
    written = true;
  }
}
