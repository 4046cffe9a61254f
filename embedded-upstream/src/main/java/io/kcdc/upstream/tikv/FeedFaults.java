package io.kcdc.upstream.tikv;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injected misbehaviour of the EventFeed streams, shared by every store of a cluster: delayed or
 * duplicated events per store, stalled resolved ts and server_is_busy answers per region.
 */
public final class FeedFaults {
  private final Map<Long, Duration> delays = new ConcurrentHashMap<>();
  private final Set<Long> duplicating = ConcurrentHashMap.newKeySet();
  private final Set<Long> stalledRegions = ConcurrentHashMap.newKeySet();
  private final Map<Long, AtomicInteger> busy = new ConcurrentHashMap<>();

  /** Every event sent on {@code storeId}'s streams leaves this much later ({@link Duration#ZERO}: none). */
  public void delay(long storeId, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      delays.remove(storeId);
    } else {
      delays.put(storeId, delay);
    }
  }

  public Duration delay(long storeId) {
    return delays.getOrDefault(storeId, Duration.ZERO);
  }

  /** Whether {@code storeId} sends its row and resolved-ts events twice. */
  public void duplicate(long storeId, boolean on) {
    if (on) {
      duplicating.add(storeId);
    } else {
      duplicating.remove(storeId);
    }
  }

  public boolean duplicates(long storeId) {
    return duplicating.contains(storeId);
  }

  /** While stalled, the region's resolved ts is re-sent but does not advance. */
  public void stallResolvedTs(long regionId, boolean stalled) {
    if (stalled) {
      stalledRegions.add(regionId);
    } else {
      stalledRegions.remove(regionId);
    }
  }

  public boolean resolvedTsStalled(long regionId) {
    return stalledRegions.contains(regionId);
  }

  /** The next {@code times} registrations of the region are refused with server_is_busy. */
  public void serverIsBusy(long regionId, int times) {
    if (times <= 0) {
      busy.remove(regionId);
    } else {
      busy.put(regionId, new AtomicInteger(times));
    }
  }

  /** Uses up one server_is_busy answer of the region, if any is left. */
  boolean takeBusy(long regionId) {
    AtomicInteger left = busy.get(regionId);
    return left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }
}
