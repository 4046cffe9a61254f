package io.kcdc.capture.cli;

import io.kcdc.common.Tso;
import java.util.OptionalLong;

/**
 * What {@code cdc cli changefeed statistics} and {@code changefeed query --watch} print, computed
 * from two readings (docs/cli.md#changefeed-statistics).
 */
public final class ChangefeedStatistics {
  private ChangefeedStatistics() {}

  /**
   * TiCDC's statistics line (pkg/cmd/cli/cli_changefeed_statistics.go): {@code ops} rows per second
   * since the previous reading, {@code count} rows so far, {@code sink_gap} = resolved - checkpoint and
   * {@code replication_gap} = now - checkpoint in physical milliseconds.
   */
  public record Status(long ops, long count, String sinkGap, String replicationGap) {}

  /** How far behind a changefeed is and when it will have caught up at the current pace. */
  public record CatchUp(long checkpointLagMs, double rowsPerSecond, OptionalLong etaSeconds) {}

  /** The statistics of {@code current}; {@code previous} may be null for the first line (ops 0). */
  public static Status status(StatisticsSample previous, StatisticsSample current) {
    long ops = 0;
    if (previous != null) {
      // TiCDC divides by whole elapsed seconds; a reading within the same second gives no rate.
      long seconds = current.atMillis() / 1000 - previous.atMillis() / 1000;
      ops = seconds > 0 ? Math.max(0, current.rows() - previous.rows()) / seconds : 0;
    }
    long sinkGap = Tso.physical(current.resolvedTs()) - Tso.physical(current.checkpointTs());
    return new Status(ops, current.rows(), sinkGap + "ms", lagMs(current) + "ms");
  }

  /**
   * Lag, throughput and the estimated time to caught-up: the lag shrinks by (checkpoint advance -
   * wall time) per wall time; when it does not shrink there is no estimate.
   */
  public static CatchUp catchUp(StatisticsSample previous, StatisticsSample current) {
    long lag = lagMs(current);
    long elapsed = current.atMillis() - previous.atMillis();
    if (elapsed <= 0) {
      return new CatchUp(lag, 0, OptionalLong.empty());
    }
    double rowsPerSecond = Math.max(0, current.rows() - previous.rows()) * 1000.0 / elapsed;
    long shrunk = lagMs(previous) - lag;
    OptionalLong eta = shrunk > 0 ? OptionalLong.of(Math.round((double) lag / shrunk * elapsed / 1000.0)) : OptionalLong.empty();
    return new CatchUp(lag, rowsPerSecond, eta);
  }

  private static long lagMs(StatisticsSample s) {
    return Tso.physical(s.nowTs()) - Tso.physical(s.checkpointTs());
  }
}
