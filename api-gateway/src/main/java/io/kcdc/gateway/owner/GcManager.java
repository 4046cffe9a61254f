package io.kcdc.gateway.owner;

import io.kcdc.common.Tso;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.ChangefeedStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's upkeep of TiCDC's service GC safepoint (docs/changefeed-lifecycle.md#gc-safe-points):
 * TiCDC's {@code gc.Manager} together with the owner's choice of changefeeds and safepoint. The
 * decisions are pure functions; {@link #maintain} is the one place that talks to PD. Called from
 * the owner's loop only, so not thread-safe.
 */
final class GcManager {
  private static final Logger LOG = LoggerFactory.getLogger(GcManager.class);

  /**
   * One refresh of the service safepoint: PD keeps every version from {@code safePoint} on for
   * {@code ttlSeconds} unless it is refreshed again.
   */
  record Update(long safePoint, long ttlSeconds) {}

  private final UpstreamClient upstream;
  private final String serviceId;
  private final Duration interval;
  private final long ttlSeconds;
  private Instant lastUpdate = Instant.EPOCH;
  private Set<ChangefeedId> lastChangefeeds = Set.of();

  /**
   * @param serviceId PD service GC safepoint id, {@code ticdc-<cluster>-<etcd cluster id>}
   * @param interval how often the safepoint is refreshed while the set of changefeeds stays the same
   * @param ttlSeconds the safepoint's TTL ({@code gc-ttl})
   */
  GcManager(UpstreamClient upstream, String serviceId, Duration interval, long ttlSeconds) {
    this.upstream = upstream;
    this.serviceId = serviceId;
    this.interval = interval;
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * TiCDC's {@code ChangeFeedInfo.NeedBlockGC}: every changefeed that may still resume holds back
   * GC: a running one, a stopped one, one in error ({@code pending}, {@code warning}) and a failed
   * one. Only a changefeed that GC itself failed ({@code CDC:ErrGCTTLExceeded},
   * {@code CDC:ErrSnapshotLostByGC}, {@code CDC:ErrStartTsBeforeGC}), a finished and a removed one
   * let GC pass. A held-back safepoint still expires {@code gc-ttl} after its last refresh.
   */
  static boolean blocksGc(ChangefeedInfo info) {
    return switch (info.state()) {
      case FINISHED, REMOVED -> false;
      case FAILED -> info.error() == null || !CdcError.isFastFail(info.error().code(), info.error().message());
      default -> true;
    };
  }

  /** The smallest checkpoint (unsigned) of the changefeeds that hold back GC and have a status. */
  static OptionalLong minCheckpoint(
      Map<ChangefeedId, ChangefeedInfo> infos, Map<ChangefeedId, ChangefeedStatus> statuses) {
    OptionalLong min = OptionalLong.empty();
    for (Map.Entry<ChangefeedId, ChangefeedInfo> e : infos.entrySet()) {
      ChangefeedStatus status = statuses.get(e.getKey());
      if (status == null || !blocksGc(e.getValue())) {
        continue;
      }
      long checkpoint = status.checkpointTs();
      min = OptionalLong.of(min.isEmpty() ? checkpoint : Tso.min(min.getAsLong(), checkpoint));
    }
    return min;
  }

  /**
   * The refresh for these changefeeds: the smallest checkpoint among those that hold back GC,
   * minus 1, so that the checkpoint itself stays readable (TiCDC's {@code updateGCSafepoint} in
   * {@code cdc/owner/owner.go}); empty when none holds GC back, and then the old safepoint expires.
   */
  Optional<Update> plan(Map<ChangefeedId, ChangefeedInfo> infos, Map<ChangefeedId, ChangefeedStatus> statuses) {
    OptionalLong min = minCheckpoint(infos, statuses);
    return min.isEmpty() ? Optional.empty() : Optional.of(new Update(min.getAsLong() - 1, ttlSeconds));
  }

  /**
   * A refresh is due once a minute ({@code gcSafepointUpdateInterval}) and at once when the set of
   * changefeeds changed (TiCDC forces one for a new changefeed).
   */
  boolean due(Instant now, Set<ChangefeedId> changefeeds) {
    return Duration.between(lastUpdate, now).compareTo(interval) >= 0 || !changefeeds.equals(lastChangefeeds);
  }

  /**
   * TiCDC's {@code CheckStaleCheckpointTs} for the snapshot: a changefeed that holds back GC but
   * whose checkpoint GC already passed ({@code checkpoint - 1 < gcSafePoint}) cannot go on:
   * {@code CDC:ErrSnapshotLostByGC}.
   */
  static Map<ChangefeedId, CdcException> lostSnapshots(
      Map<ChangefeedId, ChangefeedInfo> infos, Map<ChangefeedId, ChangefeedStatus> statuses, long gcSafePoint) {
    Map<ChangefeedId, CdcException> lost = new LinkedHashMap<>();
    for (Map.Entry<ChangefeedId, ChangefeedInfo> e : infos.entrySet()) {
      ChangefeedStatus status = statuses.get(e.getKey());
      if (status != null && blocksGc(e.getValue()) && Tso.before(status.checkpointTs() - 1, gcSafePoint)) {
        lost.put(e.getKey(), CdcError.SNAPSHOT_LOST_BY_GC.gen(status.checkpointTs(), gcSafePoint));
      }
    }
    return lost;
  }

  /**
   * Refreshes the service safepoint if due and returns the changefeeds whose snapshot GC already
   * removed (to be failed by the owner). A PD error is logged and retried on the next call.
   */
  Map<ChangefeedId, CdcException> maintain(
      Instant now, Map<ChangefeedId, ChangefeedInfo> infos, Map<ChangefeedId, ChangefeedStatus> statuses) {
    if (!due(now, infos.keySet())) {
      return Map.of();
    }
    Map<ChangefeedId, CdcException> lost = Map.of();
    try {
      Optional<Update> update = plan(infos, statuses);
      if (update.isPresent()) {
        lost = lostSnapshots(infos, statuses, upstream.gcSafePoint());
        upstream.updateServiceGcSafePoint(serviceId, update.get().ttlSeconds(), update.get().safePoint());
      }
      lastUpdate = now;
      lastChangefeeds = Set.copyOf(infos.keySet());
    } catch (RuntimeException e) {
      LOG.warn("updating the service GC safepoint failed", e);
    }
    return lost;
  }
}
