package io.kcdc.gateway.owner;

import io.kcdc.common.Tso;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.etcd.MetaStore;
import io.kcdc.gateway.etcd.Versioned;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.ChangefeedState;
import io.kcdc.gateway.model.ChangefeedStatus;
import io.kcdc.gateway.model.RunningError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner: runs only while this capture holds the election. A level-triggered, idempotent
 * reconcile loop over all changefeed infos (every tick and on etcd changes): creates status keys,
 * drives {@link ChangefeedRuntime} by state, persists checkpoints (never backwards), emits
 * checkpoints to the sink, moves changefeeds through the {@link FeedStateMachine}, finishes them
 * at {@code target_ts}, removes deleted ones and keeps the service GC safepoint.
 */
public final class Owner {
  private static final Logger LOG = LoggerFactory.getLogger(Owner.class);

  /**
   * Owner settings.
   *
   * @param captureAddr written as {@code addr} of errors the owner reports
   * @param gcServiceId PD service GC safepoint id, {@code ticdc-<cluster>-<etcd cluster id>}
   * @param tick reconcile interval
   * @param resync how often running/stopped data paths are re-asserted without a change
   * @param emitInterval minimum time between two checkpoint emissions of a changefeed
   * @param gcInterval how often the service GC safepoint is refreshed
   * @param gcTtlSeconds TTL of the service GC safepoint
   */
  public record Config(
      String captureAddr,
      String gcServiceId,
      Duration tick,
      Duration resync,
      Duration emitInterval,
      Duration gcInterval,
      long gcTtlSeconds) {
    public static Config defaults(String captureAddr, String gcServiceId) {
      return new Config(captureAddr, gcServiceId, Duration.ofMillis(200), Duration.ofSeconds(10),
          Duration.ofSeconds(1), Duration.ofMinutes(1), 86400);
    }
  }

  private final MetaStore meta;
  private final ChangefeedRuntime runtime;
  private final UpstreamClient upstream;
  private final Config config;
  private final Clock clock;
  private final BooleanSupplier stillOwner;
  private final OwnerMetrics metrics;
  private final Map<ChangefeedId, Feed> feeds = new ConcurrentHashMap<>();
  private final Semaphore wakeups = new Semaphore(0);
  private volatile boolean stopped;
  private volatile boolean ticked;
  private final GcManager gc;

  /** What the owner keeps per changefeed. */
  private static final class Feed {
    FeedStateMachine.Memory memory = FeedStateMachine.Memory.initial();
    volatile ChangefeedProgress progress;
    RunningError ownerError;
    Instant lastEmitAt = Instant.EPOCH;
    long lastEmittedTs;
    Boolean appliedRunning;
    long appliedEpoch;
    Instant appliedAt = Instant.EPOCH;
  }

  public Owner(MetaStore meta, ChangefeedRuntime runtime, UpstreamClient upstream, Config config,
      Clock clock, BooleanSupplier stillOwner) {
    this(meta, runtime, upstream, config, clock, stillOwner, OwnerMetrics.none());
  }

  /** @param metrics where the owner's TiCDC metrics go (the capture's {@code /metrics}) */
  public Owner(MetaStore meta, ChangefeedRuntime runtime, UpstreamClient upstream, Config config,
      Clock clock, BooleanSupplier stillOwner, OwnerMetrics metrics) {
    this.metrics = metrics;
    this.meta = meta;
    this.runtime = runtime;
    this.upstream = upstream;
    this.config = config;
    this.clock = clock;
    this.stillOwner = stillOwner;
    this.gc = new GcManager(upstream, config.gcServiceId(), config.gcInterval(), config.gcTtlSeconds());
  }

  /**
   * Runs the reconcile loop until {@link #stop()}, until this capture is no longer the owner, or until a
   * write finds that another owner replaced it ({@code CDC:ErrNotOwner}: its etcd guard failed or its
   * Kafka producer was fenced). While etcd cannot be asked, the loop waits: the session's lease decides.
   */
  public void run() {
    LOG.info("owner started");
    long lastTick = System.nanoTime();
    while (!stopped) {
      long nowNanos = System.nanoTime();
      metrics.owned((nowNanos - lastTick) / 1e9);
      lastTick = nowNanos;
      boolean owner;
      try {
        owner = stillOwner.getAsBoolean();
      } catch (RuntimeException e) {
        LOG.warn("cannot tell whether this capture is still the owner: {}", e.getMessage());
        owner = true;
        await();
        continue;
      }
      if (!owner) {
        LOG.info("owner lost its election key");
        break;
      }
      try {
        tick();
      } catch (RuntimeException e) {
        if (isNotOwner(e)) {
          LOG.warn("another capture replaced this owner: {}", e.getMessage());
          break;
        }
        LOG.warn("owner tick failed", e);
      }
      await();
    }
    stopped = true;
    LOG.info("owner stopped");
  }

  /** Waits for the next tick or a wake-up. */
  private void await() {
    try {
      if (wakeups.tryAcquire(config.tick().toMillis(), TimeUnit.MILLISECONDS)) {
        wakeups.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }

  private static void rethrowIfNotOwner(RuntimeException e) {
    if (isNotOwner(e)) {
      throw e;
    }
  }

  /** True for {@code CDC:ErrNotOwner} anywhere in the cause chain. */
  public static boolean isNotOwner(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CdcException e && e.error() == CdcError.NOT_OWNER) {
        return true;
      }
    }
    return false;
  }

  /** Asks the loop to end (resign); returns at once. */
  public void stop() {
    stopped = true;
    wakeups.release();
  }

  public boolean isStopped() {
    return stopped;
  }

  /** Runs the next tick now (an etcd change happened). */
  public void wake() {
    wakeups.release();
  }

  /** True once the owner reconciled all changefeeds at least once (health). */
  public boolean hasTicked() {
    return ticked;
  }

  /** The last progress the data path reported for a changefeed. */
  public Optional<ChangefeedProgress> progress(ChangefeedId id) {
    Feed f = feeds.get(id);
    return f == null ? Optional.empty() : Optional.ofNullable(f.progress);
  }

  /** One reconcile pass over every changefeed. */
  public void tick() {
    Map<ChangefeedId, Versioned<ChangefeedInfo>> infos = meta.listInfos();
    Map<ChangefeedId, Versioned<ChangefeedStatus>> statuses = meta.listStatuses();
    for (Map.Entry<ChangefeedId, Versioned<ChangefeedInfo>> e : infos.entrySet()) {
      if (stopped) {
        return;
      }
      try {
        reconcile(e.getKey(), e.getValue(), statuses.get(e.getKey()));
      } catch (RuntimeException ex) {
        if (isNotOwner(ex)) {
          throw ex;
        }
        LOG.warn("reconciling changefeed {} failed", e.getKey(), ex);
      }
    }
    for (ChangefeedId gone : new HashSet<>(feeds.keySet())) {
      if (!infos.containsKey(gone)) {
        runtime.remove(gone.namespace(), gone.id());
        feeds.remove(gone);
        metrics.removed(gone);
      }
    }
    for (ChangefeedId orphan : statuses.keySet()) {
      if (!infos.containsKey(orphan)) {
        meta.deleteStatus(orphan);
      }
    }
    maintainGcSafepoint(infos);
    ticked = true;
  }

  private void reconcile(ChangefeedId id, Versioned<ChangefeedInfo> vinfo, Versioned<ChangefeedStatus> vstatus) {
    ChangefeedInfo info = vinfo.value();
    Instant now = clock.instant();
    if (info.state() == ChangefeedState.REMOVED) {
      runtime.remove(id.namespace(), id.id());
      meta.deleteChangefeed(id);
      feeds.remove(id);
      metrics.removed(id);
      LOG.info("changefeed {} removed", id);
      return;
    }
    if (vstatus == null) {
      ChangefeedStatus initial = new ChangefeedStatus(info.startTs(), info.startTs(), info.state().adminJobType());
      if (!meta.putStatus(id, initial, 0)) {
        return;
      }
      vstatus = meta.getStatus(id).orElse(null);
      if (vstatus == null) {
        return;
      }
    }
    Feed feed = feeds.computeIfAbsent(id, k -> new Feed());
    if (feed.appliedEpoch != info.epoch()) {
      feed.lastEmittedTs = 0; // resumed, maybe from another checkpoint: emit the checkpoint it has now
    }
    long checkpoint = vstatus.value().checkpointTs();
    long statusRevision = vstatus.modRevision();
    ChangefeedStatus status = vstatus.value();

    Optional<RunningError> reported = Optional.ofNullable(feed.ownerError);
    feed.ownerError = null;
    if (info.state().isRunning() || info.state() == ChangefeedState.UNINITIALIZED) {
      Optional<ChangefeedProgress> progress = Optional.empty();
      try {
        progress = runtime.progress(info);
      } catch (RuntimeException e) {
        rethrowIfNotOwner(e);
        reported = Optional.of(ownerError(e, now));
        feed.appliedRunning = null; // the data path is asked to run again below (it restarts what failed)
      }
      if (progress.isPresent()) {
        ChangefeedProgress p = progress.get();
        feed.progress = p;
        if (reported.isEmpty()) {
          reported = p.error();
        }
        long target = info.targetTs() > 0 ? info.targetTs() : Long.MAX_VALUE;
        long next = Tso.min(p.checkpointTs(), target);
        if (Tso.after(next, checkpoint)) {
          ChangefeedStatus advanced = new ChangefeedStatus(
              next, Tso.max(status.minTableBarrierTs(), next), status.adminJobType());
          if (meta.putStatus(id, advanced, statusRevision)) {
            checkpoint = next;
            status = advanced;
            statusRevision = meta.getStatus(id).map(Versioned::modRevision).orElse(0L);
          }
        }
      }
      if (Tso.after(checkpoint, feed.lastEmittedTs)
          && Duration.between(feed.lastEmitAt, now).compareTo(config.emitInterval()) >= 0) {
        try {
          runtime.emitCheckpoint(info, checkpoint);
          feed.lastEmittedTs = checkpoint;
          feed.lastEmitAt = now;
        } catch (RuntimeException e) {
          rethrowIfNotOwner(e);
          LOG.warn("emitting checkpoint {} of {} failed", checkpoint, id, e);
        }
      }
    }

    if (reported.isEmpty() && (info.state().isRunning() || info.state() == ChangefeedState.UNINITIALIZED)) {
      // A processor's error (a Streams app that stopped on some capture), as TiCDC's task positions carry it.
      reported = liveTaskErrors(id).values().stream().findFirst();
    }
    FeedStateMachine.Input in = new FeedStateMachine.Input(
        info.state(), info.error(), info.warning(), info.targetTs(), checkpoint, reported, now,
        stuckDuration(info.config()), ThreadLocalRandom.current().nextDouble(-0.1, 0.1));
    FeedStateMachine.Output out = FeedStateMachine.next(feed.memory, in);
    if (out.differsFrom(in)) {
      ChangefeedInfo updated = info.withState(out.state(), out.error(), out.warning());
      if (!updated.state().isRunning() && info.state().isRunning()) {
        updated = updated.withEpoch(upstream.currentTso());
      }
      if (!meta.updateInfo(updated, vinfo.modRevision())) {
        return; // changed concurrently (API); the next tick sees the new info
      }
      LOG.info("changefeed {} state {} -> {}", id, info.state().value(), out.state().value());
      info = updated;
    }
    feed.memory = out.memory();
    if (status.adminJobType() != info.state().adminJobType()) {
      meta.putStatus(id, new ChangefeedStatus(status.checkpointTs(), status.minTableBarrierTs(),
          info.state().adminJobType()), statusRevision);
    }
    updateMetrics(id, feed, info, checkpoint, now);
    apply(feed, info, checkpoint, now);
  }

  private void updateMetrics(ChangefeedId id, Feed feed, ChangefeedInfo info, long checkpoint, Instant now) {
    metrics.state(id, info.state());
    if (!info.state().isRunning()) {
      metrics.stopped(id);
      return;
    }
    ChangefeedProgress p = feed.progress;
    long resolved = p == null ? checkpoint : Tso.max(p.resolvedTs(), checkpoint);
    metrics.progress(id, checkpoint, resolved, now);
    if (p != null) {
      metrics.stages(id, p.resolvedTs(), p.checkpointTs(), now);
    }
  }

  private void apply(Feed feed, ChangefeedInfo info, long checkpoint, Instant now) {
    boolean running = info.state().isRunning();
    boolean stale = Duration.between(feed.appliedAt, now).compareTo(config.resync()) >= 0;
    if (feed.appliedRunning != null && feed.appliedRunning == running
        && feed.appliedEpoch == info.epoch() && !stale) {
      return;
    }
    try {
      if (running) {
        runtime.ensureRunning(info, checkpoint);
      } else {
        runtime.ensureStopped(info);
        feed.progress = null;
      }
      feed.appliedRunning = running;
      feed.appliedEpoch = info.epoch();
      feed.appliedAt = now;
    } catch (RuntimeException e) {
      rethrowIfNotOwner(e);
      LOG.warn("applying state {} to changefeed {} failed", info.state().value(), ChangefeedId.of(info), e);
      feed.appliedRunning = null;
      if (running) {
        feed.ownerError = ownerError(e, now);
      }
    }
  }

  private RunningError ownerError(RuntimeException e, Instant now) {
    String code = e instanceof CdcException c ? c.code() : CdcError.OWNER_UNKNOWN.code();
    String message = e instanceof CdcException c ? c.errorMsg() : String.valueOf(e.getMessage());
    return new RunningError(OffsetDateTime.ofInstant(now, clock.getZone()), config.captureAddr(), code, message);
  }

  /**
   * The processors' errors of a changefeed from captures that are still registered. A capture that lost its etcd
   * session registers again under a new id, so the key of its old id would otherwise hold the changefeed in error
   * for ever, so the owner deletes it (TiCDC's owner clears errors it handled instead; docs/crash-recovery.md).
   * The errors are read before the captures: a capture registers before it reports, so a live one is never missed.
   */
  private Map<String, RunningError> liveTaskErrors(ChangefeedId id) {
    Map<String, RunningError> errors = new HashMap<>(meta.taskErrors(id));
    if (errors.isEmpty()) {
      return errors;
    }
    Set<String> alive = new HashSet<>();
    meta.listCaptures().forEach(c -> alive.add(c.id()));
    for (String capture : Set.copyOf(errors.keySet())) {
      if (!alive.contains(capture)) {
        meta.putTaskPosition(id, capture, null);
        errors.remove(capture);
        LOG.info("changefeed {}: removed the task position of capture {}, which is gone", id, capture);
      }
    }
    return errors;
  }

  private static Duration stuckDuration(ReplicaConfig config) {
    Long ns = config == null ? null : config.changefeedErrorStuckDuration();
    return Duration.ofNanos(ns == null ? ReplicaConfig.DEFAULT.changefeedErrorStuckDuration() : ns);
  }

  /** Keeps the service GC safepoint ({@link GcManager}) and fails changefeeds whose snapshot GC removed. */
  private void maintainGcSafepoint(Map<ChangefeedId, Versioned<ChangefeedInfo>> infos) {
    Instant now = clock.instant();
    if (!gc.due(now, infos.keySet())) {
      return;
    }
    Map<ChangefeedId, ChangefeedInfo> current = new HashMap<>();
    infos.forEach((id, v) -> current.put(id, v.value()));
    Map<ChangefeedId, ChangefeedStatus> statuses = new HashMap<>();
    meta.listStatuses().forEach((id, v) -> statuses.put(id, v.value()));
    gc.maintain(now, current, statuses).forEach((id, lost) -> {
      Feed feed = feeds.get(id);
      if (feed != null) {
        feed.ownerError = ownerError(lost, now);
      }
    });
  }
}
