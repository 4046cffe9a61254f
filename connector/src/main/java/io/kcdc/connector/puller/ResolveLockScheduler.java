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
 *
 * <p>Each registration keeps its region's {@link RegionLag} (TiCDC keeps it in its region state): a report is a
 * few field updates on the stream's thread, with no lookup and no lock, which matters when 10,000 regions report
 * five times a second. Only a region due for a resolve reaches the shared part: when its last resolve ran
 * (kept by region id across registrations, as TiCDC's {@code resolveLastRun}) and whether one is under way.
 */
final class ResolveLockScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResolveLockScheduler.class);
  /** TiCDC's {@code resolveLockFence}. */
  static final long FENCE_MS = 4_000;
  /** TiCDC's {@code resolveLockMinInterval}. */
  static final long MIN_INTERVAL_MS = 10_000;
  /** Above this many regions that resolved, those whose last resolve is older than the interval are forgotten. */
  static final int FORGET_ABOVE = 1024;

  /** Resolves the locks of a region up to a ts (the {@link LockResolver}, or a test's stand-in). */
  @FunctionalInterface
  interface Resolver {
    void resolve(long regionId, long maxVersion);
  }

  /** How long one registered region's resolved ts has stood; owned by the thread of its stream. */
  static final class RegionLag {
    private final long regionId;
    private long resolvedTs;
    /** When {@link #resolvedTs} was first reported. */
    private long sinceMillis;

    private RegionLag(long regionId) {
      this.regionId = regionId;
    }
  }

  /** A region that resolved: when it last started, and whether that resolve is still under way. */
  private static final class LastRun {
    long startedMillis;
    boolean running;
  }

  private final Resolver resolver;
  private final ExecutorService executor;
  private final Map<Long, LastRun> lastRuns = new HashMap<>();
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

  /** The lag of a newly registered region, to be fed with its reports. */
  static RegionLag track(long regionId) {
    return new RegionLag(regionId);
  }

  /**
   * The resolved ts an initialized region reported at {@code nowMillis} (wall clock, which TiCDC
   * takes from PD). Starts a resolve of the region's locks when it lags.
   */
  void onResolvedTs(RegionLag lag, long resolvedTs, long nowMillis) {
    if (resolvedTs > lag.resolvedTs) {
      lag.resolvedTs = resolvedTs;
      lag.sinceMillis = nowMillis;
    }
    long resolvedMillis = Tso.physical(lag.resolvedTs);
    if (nowMillis - lag.sinceMillis < FENCE_MS || nowMillis - resolvedMillis < FENCE_MS) {
      return;
    }
    long maxVersion = Tso.compose(Math.min(nowMillis, resolvedMillis + FENCE_MS), 0);
    LastRun run;
    synchronized (this) {
      run = lastRuns.get(lag.regionId);
      if (run == null) {
        forgetOldRuns(nowMillis);
        run = new LastRun();
        lastRuns.put(lag.regionId, run);
      } else if (run.running || nowMillis - run.startedMillis < MIN_INTERVAL_MS) {
        return;
      }
      run.running = true;
      run.startedMillis = nowMillis;
    }
    LastRun started = run;
    long regionId = lag.regionId;
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
      synchronized (this) {
        started.running = false;
      }
    }
  }

  /**
   * Drops the regions whose last resolve is past the interval, once there are many, at most once per interval
   * (10,000 regions lagging at once, a store gone, would otherwise sweep the map for each of them).
   */
  private void forgetOldRuns(long nowMillis) {
    if (lastRuns.size() >= FORGET_ABOVE && nowMillis >= nextSweepMillis) {
      lastRuns.values().removeIf(r -> !r.running && nowMillis - r.startedMillis >= MIN_INTERVAL_MS);
      nextSweepMillis = nowMillis + MIN_INTERVAL_MS;
    }
  }

  synchronized int regionsThatResolved() {
    return lastRuns.size();
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
