package io.kcdc.connector.puller;

import io.kcdc.common.Tso;
import io.kcdc.connector.tikv.LockResolver;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a region whose resolved ts lags and has it resolve its locks, with TiCDC's thresholds
 * (docs/lock-resolving.md): once the region's resolved ts is at least 4 s behind the clock and has
 * not moved for 4 s, the locks with start ts up to 4 s past the resolved ts are resolved, at most
 * once every 10 s per region, one region at a time on the resolver's own thread. Fed with every
 * resolved ts the region's stream reports, moving or not.
 */
final class ResolveLockScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResolveLockScheduler.class);
  /** TiCDC's {@code resolveLockFence}. */
  static final long FENCE_MS = 4_000;
  /** TiCDC's {@code resolveLockMinInterval}. */
  static final long MIN_INTERVAL_MS = 10_000;
  /** Regions not heard of for this long are forgotten (they moved, split or went away). */
  static final long FORGET_AFTER_MS = 60_000;
  static final int FORGET_ABOVE = 1024;
  /** A task registering 10,000 regions at once would otherwise sweep the whole map for each of them. */
  static final long SWEEP_EVERY_MS = 10_000;

  /** Resolves the locks of a region up to a ts (the {@link LockResolver}, or a test's stand-in). */
  @FunctionalInterface
  interface Resolver {
    void resolve(long regionId, long maxVersion);
  }

  private static final class RegionLag {
    long resolvedTs;
    /** When {@link #resolvedTs} was first reported. */
    long sinceMillis;
    long lastSeenMillis;
    /** When a resolve was last started, 0 if never. */
    long lastRunMillis;
    boolean running;
  }

  private final Resolver resolver;
  private final ExecutorService executor;
  private final Map<Long, RegionLag> regions = new HashMap<>();
  /** The next time stale regions may be swept: a sweep is O(regions), so not on every new region. */
  private long nextSweepMillis;

  ResolveLockScheduler(Resolver resolver, ExecutorService executor) {
    this.resolver = resolver;
    this.executor = executor;
  }

  /** A scheduler resolving on its own daemon thread with {@code resolver}. */
  static ResolveLockScheduler start(LockResolver resolver, io.kcdc.connector.ProcessorMetrics metrics) {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kcdc-resolve-lock");
      t.setDaemon(true);
      return t;
    });
    return new ResolveLockScheduler((regionId, maxVersion) -> {
      long started = System.nanoTime();
      LockResolver.Result result = resolver.resolve(regionId, maxVersion);
      metrics.lockResolved((System.nanoTime() - started) / 1e6);
      if (result.locks() > 0) {
        LOG.info("resolved locks of region {} up to {}: {}", regionId, maxVersion, result);
      }
    }, executor);
  }

  /**
   * The resolved ts an initialized region reported at {@code nowMillis} (wall clock, which TiCDC
   * takes from PD). Starts a resolve of the region's locks when it lags.
   */
  synchronized void onResolvedTs(long regionId, long resolvedTs, long nowMillis) {
    RegionLag lag = regions.get(regionId);
    if (lag == null) {
      forgetStale(nowMillis);
      lag = new RegionLag();
      regions.put(regionId, lag);
    }
    lag.lastSeenMillis = nowMillis;
    if (resolvedTs > lag.resolvedTs) {
      lag.resolvedTs = resolvedTs;
      lag.sinceMillis = nowMillis;
    }
    long resolvedMillis = Tso.physical(lag.resolvedTs);
    if (lag.running || nowMillis - lag.sinceMillis < FENCE_MS || nowMillis - resolvedMillis < FENCE_MS
        || (lag.lastRunMillis != 0 && nowMillis - lag.lastRunMillis < MIN_INTERVAL_MS)) {
      return;
    }
    long maxVersion = Tso.compose(Math.min(nowMillis, resolvedMillis + FENCE_MS), 0);
    lag.running = true;
    lag.lastRunMillis = nowMillis;
    RegionLag started = lag;
    try {
      executor.execute(() -> {
        try {
          resolver.resolve(regionId, maxVersion);
        } catch (RuntimeException e) {
          LOG.warn("resolving the locks of region {} up to {} failed; trying again later", regionId, maxVersion, e);
        } finally {
          synchronized (this) {
            started.running = false;
          }
        }
      });
    } catch (RejectedExecutionException e) {
      lag.running = false;
    }
  }

  private void forgetStale(long nowMillis) {
    if (regions.size() >= FORGET_ABOVE && nowMillis >= nextSweepMillis) {
      regions.values().removeIf(l -> !l.running && nowMillis - l.lastSeenMillis > FORGET_AFTER_MS);
      nextSweepMillis = nowMillis + SWEEP_EVERY_MS;
    }
  }

  synchronized int trackedRegions() {
    return regions.size();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
