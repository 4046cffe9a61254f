package io.kcdc.upstream.cluster;

import io.kcdc.upstream.tikv.FeedFaults;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fault injection on a running {@link EmbeddedCluster}. Each fault surfaces on EventFeed the way
 * TiKV shows it, and PD's answers reflect it at once:
 *
 * <ul>
 *   <li>split / merge: registrations on the old regions end with {@code epoch_not_match} listing
 *       the current regions; the region merged away ends with {@code region_not_found};
 *   <li>leader transfer: registrations on the old leader's store end with {@code not_leader}
 *       naming the new leader;
 *   <li>store restart: the store's streams fail with gRPC UNAVAILABLE, then it serves again on
 *       the same address;
 *   <li>delayed or duplicated events, a stalled resolved ts, {@code server_is_busy} answers.
 * </ul>
 */
public final class ClusterFaults {
  private final RegionTable regions;
  private final Map<Long, StoreServer> stores;
  private final FeedFaults feed;

  ClusterFaults(RegionTable regions, Map<Long, StoreServer> stores, FeedFaults feed) {
    this.regions = regions;
    this.stores = stores;
    this.feed = feed;
  }

  /** Splits the region containing {@code encodedKey} at it; returns the regions covering the old range. */
  public List<Region> splitRegion(byte[] encodedKey) {
    return regions.split(encodedKey);
  }

  /** Merges {@code rightId} into its left neighbour {@code leftId}; returns the merged region. */
  public Region mergeRegions(long leftId, long rightId) {
    return regions.merge(leftId, rightId);
  }

  /** Moves the region's leader to its peer on {@code storeId}. */
  public Region transferLeader(long regionId, long storeId) {
    return regions.transferLeader(regionId, storeId);
  }

  /** Restarts a store: its streams end with a gRPC error; it comes back on the same address. */
  public void restartStore(long storeId) {
    store(storeId).restart();
  }

  /** Every event of the store's streams leaves {@code delay} later; {@link Duration#ZERO} ends it. */
  public void delayEvents(long storeId, Duration delay) {
    store(storeId);
    feed.delay(storeId, delay);
  }

  /**
   * The store sends every row event twice (without the COMMIT rows, which TiKV never repeats)
   * and every resolved ts twice.
   */
  public void duplicateEvents(long storeId, boolean on) {
    store(storeId);
    feed.duplicate(storeId, on);
  }

  /** While stalled, the region's resolved ts is re-sent unchanged instead of advancing. */
  public void stallResolvedTs(long regionId, boolean stalled) {
    feed.stallResolvedTs(regionId, stalled);
  }

  /**
   * Ends the region's current registrations with {@code server_is_busy} and refuses its next
   * {@code times} registrations the same way.
   */
  public void serverIsBusy(long regionId, int times) {
    feed.serverIsBusy(regionId, times);
    stores.values().forEach(s -> s.changeData().busy(regionId));
  }

  private StoreServer store(long storeId) {
    StoreServer s = stores.get(storeId);
    if (s == null) {
      throw new IllegalArgumentException("no store " + storeId);
    }
    return s;
  }
}
