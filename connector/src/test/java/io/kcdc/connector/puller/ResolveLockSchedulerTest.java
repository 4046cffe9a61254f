package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.Tso;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When a lagging region resolves its locks: TiCDC v8.5.0's thresholds
 * ({@code cdc/puller/multiplexing_puller.go}: {@code resolveLockFence = 4s}, target ts
 * {@code min(current ts, resolved time + fence)}; {@code cdc/kv/shared_client.go}:
 * {@code resolveLockMinInterval = 10s} per region).
 */
class ResolveLockSchedulerTest {
  private static final long T0 = 1_700_000_000_000L;

  /** Runs the queued resolves when told to. */
  private static final class ManualExecutor extends AbstractExecutorService {
    final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public void execute(Runnable command) {
      queued.add(command);
    }

    void runAll() {
      while (!queued.isEmpty()) {
        queued.poll().run();
      }
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  private final ManualExecutor executor = new ManualExecutor();
  private final List<long[]> resolves = new ArrayList<>();
  private final ResolveLockScheduler scheduler =
      new ResolveLockScheduler((region, maxVersion) -> resolves.add(new long[] {region, maxVersion}), executor);

  /** Each region's registration keeps its lag; the test keeps one per region id. */
  private final java.util.Map<Long, ResolveLockScheduler.RegionLag> lags = new java.util.HashMap<>();

  private ResolveLockScheduler.RegionLag lag(long region) {
    return lags.computeIfAbsent(region, ResolveLockScheduler::track);
  }

  private static long ts(long physicalMs) {
    return Tso.compose(physicalMs, 0);
  }

  /** The region reports {@code resolvedMs} every second from {@code fromMs} to {@code toMs}. */
  private void report(long region, long resolvedMs, long fromMs, long toMs) {
    for (long now = fromMs; now <= toMs; now += 1_000) {
      scheduler.onResolvedTs(lag(region), ts(resolvedMs), now);
      executor.runAll();
    }
  }

  @Test
  void aRegionWhoseResolvedTsKeepsUpIsLeftAlone() {
    for (long now = T0; now < T0 + 60_000; now += 1_000) {
      scheduler.onResolvedTs(lag(1), ts(now - 1_000), now);
    }
    executor.runAll();
    assertThat(resolves).isEmpty();
  }

  @Test
  void aStuckRegionResolvesUpToFourSecondsPastItsResolvedTsOncePerTenSeconds() {
    // Stuck at T0 from T0 on: at T0+4 s it lags 4 s and has not moved for 4 s.
    report(7, T0, T0, T0 + 3_000);
    assertThat(resolves).isEmpty();
    report(7, T0, T0 + 4_000, T0 + 4_000);
    assertThat(resolves).singleElement().satisfies(r -> {
      assertThat(r[0]).isEqualTo(7);
      assertThat(r[1]).isEqualTo(ts(T0 + 4_000));
    });
    // Still stuck: again only 10 s later.
    report(7, T0, T0 + 5_000, T0 + 13_000);
    assertThat(resolves).hasSize(1);
    report(7, T0, T0 + 14_000, T0 + 14_000);
    assertThat(resolves).hasSize(2);
  }

  @Test
  void aRegionThatJustMovedWaitsTheFenceEvenWhenFarBehind() {
    // Registered from an old checkpoint: 30 s behind, but it moved just now.
    report(3, T0 - 30_000, T0, T0 + 3_000);
    assertThat(resolves).isEmpty();
    report(3, T0 - 30_000, T0 + 4_000, T0 + 4_000);
    // The target is 4 s past the resolved ts, never more.
    assertThat(resolves).singleElement().satisfies(r -> assertThat(r[1]).isEqualTo(ts(T0 - 26_000)));
  }

  @Test
  void oneResolvePerRegionAtATimeAndRegionsAreIndependent() {
    for (long now = T0; now <= T0 + 25_000; now += 1_000) {
      scheduler.onResolvedTs(lag(1), ts(T0), now);
      scheduler.onResolvedTs(lag(2), ts(T0 + 5_000), now);
    }
    // Nothing ran yet: region 1 was queued once (still running), region 2 once after it stuck.
    assertThat(executor.queued).hasSize(2);
    executor.runAll();
    assertThat(resolves).extracting(r -> r[0]).containsExactly(1L, 2L);
    // Once done, the next resolve of region 1 comes at the next report after 10 s.
    scheduler.onResolvedTs(lag(1), ts(T0), T0 + 26_000);
    executor.runAll();
    assertThat(resolves).hasSize(3);
  }

  @Test
  void aFailingResolveIsTriedAgainLater() {
    List<Long> attempts = new ArrayList<>();
    ResolveLockScheduler failing = new ResolveLockScheduler((region, maxVersion) -> {
      attempts.add(maxVersion);
      throw new IllegalStateException("TiKV is down");
    }, executor);
    for (long now = T0; now <= T0 + 20_000; now += 1_000) {
      failing.onResolvedTs(lag(9), ts(T0), now);
      executor.runAll();
    }
    assertThat(attempts).hasSize(2);
  }

  @Test
  void aRegionRegisteredAgainKeepsItsLastResolveButWaitsTheFenceAnew() {
    report(7, T0, T0, T0 + 4_000);
    assertThat(resolves).hasSize(1);
    // The region moves to another stream: a new registration, a new lag, the same region.
    lags.remove(7L);
    report(7, T0, T0 + 5_000, T0 + 12_000);
    assertThat(resolves).as("the region resolved less than 10 s ago").hasSize(1);
    report(7, T0, T0 + 14_000, T0 + 14_000);
    assertThat(resolves).hasSize(2);
  }

  @Test
  void onlyRegionsThatResolvedAreKeptAndOldOnesGoOnceThereAreMany() {
    int many = ResolveLockScheduler.FORGET_ABOVE + 10;
    for (long region = 1; region <= many; region++) {
      scheduler.onResolvedTs(lag(region), ts(T0), T0); // keeping up: nothing kept
    }
    assertThat(scheduler.regionsThatResolved()).isZero();
    for (long region = 1; region <= many; region++) {
      scheduler.onResolvedTs(lag(region), ts(T0), T0 + 4_000);
    }
    executor.runAll();
    assertThat(scheduler.regionsThatResolved()).isEqualTo(many);
    // 10 s later one more region resolves: the others' last resolves are past the interval and go.
    long later = T0 + 4_000 + ResolveLockScheduler.MIN_INTERVAL_MS;
    scheduler.onResolvedTs(lag(many + 1), ts(later - 8_000), later - 4_000);
    scheduler.onResolvedTs(lag(many + 1), ts(later - 8_000), later);
    assertThat(scheduler.regionsThatResolved()).isEqualTo(1);
  }
}
