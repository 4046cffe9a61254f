package io.kcdc.streams.sorter;

/**
 * Decides when the sorter asks Kafka Streams to commit before its {@code commit.interval.ms}.
 *
 * <p>The commit interval is sized for catch-up throughput (each exactly-once commit waits for every record to be
 * acknowledged), but a row released to the sink is visible to {@code read_committed} consumers only after the next
 * commit. Once the sorter has caught up (a release completed and none is under way), waiting for the interval is pure
 * latency, so it asks for a commit at the next loop, at most once per {@code minIntervalMs} (Kafka Streams' own
 * exactly-once default of 100 ms): a live changefeed costs no more commits than Streams' default, and a catch-up,
 * whose releases run on turn after turn, keeps the long interval. See docs/latency.md#commit-cadence.
 */
final class CommitPacer {
  private final long minIntervalMs;
  private boolean owed;
  private long lastRequestMs;
  private boolean requested;

  CommitPacer(long minIntervalMs) {
    this.minIntervalMs = minIntervalMs;
  }

  /** A release completed and moved a table's checkpoint: its rows should become visible soon. */
  void released() {
    owed = true;
  }

  /**
   * @param releasing whether a release is still under way (then the commit waits for it, or for the interval)
   * @return true when the caller should request a commit now
   */
  boolean commitNow(long nowMs, boolean releasing) {
    if (!owed || releasing || (requested && nowMs - lastRequestMs < minIntervalMs)) {
      return false;
    }
    owed = false;
    requested = true;
    lastRequestMs = nowMs;
    return true;
  }
}
