package io.kcdc.capture.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcdc.common.Tso;
import org.junit.jupiter.api.Test;

/** The fields of https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/cmd/cli/cli_changefeed_statistics.go. */
class ChangefeedStatisticsTest {
  private static long ts(long physicalMs) {
    return Tso.compose(physicalMs, 7);
  }

  @Test
  void statusFromTwoReadings() {
    StatisticsSample first = new StatisticsSample(1_000_500, 100, ts(5_000), ts(5_800), ts(9_000));
    StatisticsSample second = new StatisticsSample(1_010_400, 2_100, ts(14_000), ts(14_250), ts(19_000));
    ChangefeedStatistics.Status s = ChangefeedStatistics.status(first, second);
    assertEquals(2_000 / 10, s.ops(), "rows per whole elapsed second");
    assertEquals(2_100, s.count());
    assertEquals("250ms", s.sinkGap());
    assertEquals("5000ms", s.replicationGap());
    assertEquals("{\n  \"ops\": 200,\n  \"count\": 2100,\n  \"sink_gap\": \"250ms\",\n  \"replication_gap\": \"5000ms\"\n}",
        CliOutput.indent(s));
  }

  @Test
  void firstReadingHasNoRate() {
    StatisticsSample only = new StatisticsSample(1_000, 42, ts(1_000), ts(1_000), ts(1_300));
    assertEquals(0, ChangefeedStatistics.status(null, only).ops());
    assertEquals("300ms", ChangefeedStatistics.status(null, only).replicationGap());
  }

  @Test
  void catchUpEstimatesFromTheShrinkingLag() {
    // 60 s behind, then after 10 s of wall time 40 s behind: 20 s closed per 10 s, 20 s more to go.
    StatisticsSample a = new StatisticsSample(0, 0, ts(40_000), ts(41_000), ts(100_000));
    StatisticsSample b = new StatisticsSample(10_000, 5_000, ts(70_000), ts(71_000), ts(110_000));
    ChangefeedStatistics.CatchUp c = ChangefeedStatistics.catchUp(a, b);
    assertEquals(40_000, c.checkpointLagMs());
    assertEquals(500.0, c.rowsPerSecond(), 1e-9);
    assertEquals(20, c.etaSeconds().getAsLong());
  }

  @Test
  void noEstimateWhenFallingBehind() {
    StatisticsSample a = new StatisticsSample(0, 0, ts(40_000), ts(40_000), ts(50_000));
    StatisticsSample b = new StatisticsSample(10_000, 0, ts(45_000), ts(45_000), ts(60_000));
    assertTrue(ChangefeedStatistics.catchUp(a, b).etaSeconds().isEmpty());
    assertEquals(15_000, ChangefeedStatistics.catchUp(a, b).checkpointLagMs());
  }
}
