package io.kcdc.connector.tikv;

import io.kcdc.kvproto.Metapb;
import io.kcdc.tidb.KeySpan;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encoded key -> region (with leader) and store id -> address, filled from PD on misses and
 * invalidated when TiKV reports a region error. Regions are indexed by start key and by id, so
 * caching, evicting or finding one costs O(log n) (with a region per table and 10,000 tables, a
 * pass over the whole cache per region was the largest cost of a task's start).
 */
public final class RegionCache {
  private final PdClient pd;
  private final TreeMap<byte[], RegionInfo> byStart = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<Long, RegionInfo> byId = new HashMap<>();
  private final Map<Long, String> storeAddresses = new ConcurrentHashMap<>();

  public RegionCache(PdClient pd) {
    this.pd = pd;
  }

  public PdClient pd() {
    return pd;
  }

  /** The region containing encoded {@code key}, from the cache or PD. */
  public RegionInfo locate(byte[] key) {
    synchronized (this) {
      var e = byStart.floorEntry(key);
      if (e != null && e.getValue().span().contains(key) && e.getValue().hasLeader()) {
        return e.getValue();
      }
    }
    RegionInfo r = pd.getRegion(key);
    if (r == null || !r.hasLeader()) {
      throw new TikvException("no region with a leader for key " + new KeySpan(key, key));
    }
    put(r);
    return r;
  }

  /** The region with this id, from the cache or PD. */
  public RegionInfo locateById(long regionId) {
    RegionInfo cached = cached(regionId);
    if (cached != null && cached.hasLeader()) {
      return cached;
    }
    RegionInfo r = pd.getRegionById(regionId);
    if (r == null || !r.hasLeader()) {
      throw new TikvException("no region " + regionId + " with a leader");
    }
    put(r);
    return r;
  }

  /** Loads the regions overlapping {@code span} from PD (always fresh) and caches them. */
  public List<RegionInfo> scan(KeySpan span, int limit) {
    List<RegionInfo> regions = pd.scanRegions(span.start(), span.end(), limit);
    regions.stream().filter(RegionInfo::hasLeader).forEach(this::put);
    return regions;
  }

  /** Caches {@code region}, evicting cached regions that overlap it. */
  public synchronized void put(RegionInfo region) {
    KeySpan span = region.span();
    RegionInfo sameId = byId.get(region.id());
    if (sameId != null) {
      evict(sameId);
    }
    // Cached regions do not overlap: only the one starting at or before the new start and those starting inside
    // the new span can overlap it.
    Map.Entry<byte[], RegionInfo> before = byStart.floorEntry(span.start());
    if (before != null && before.getValue().span().intersect(span) != null) {
      evict(before.getValue());
    }
    Map<byte[], RegionInfo> inside = span.end().length == 0 ? byStart.tailMap(span.start(), false)
        : byStart.subMap(span.start(), false, span.end(), false);
    for (RegionInfo r : List.copyOf(inside.values())) {
      if (r.span().intersect(span) != null) {
        evict(r);
      }
    }
    byStart.put(span.start(), region);
    byId.put(region.id(), region);
  }

  private void evict(RegionInfo r) {
    byStart.remove(r.span().start(), r);
    byId.remove(r.id(), r);
  }

  public synchronized void invalidate(long regionId) {
    RegionInfo r = byId.get(regionId);
    if (r != null) {
      evict(r);
    }
  }

  /** Records a new leader reported by {@code not_leader}; forgets the region if it is unknown. */
  public synchronized void updateLeader(long regionId, Metapb.Peer leader) {
    RegionInfo r = byId.get(regionId);
    if (r == null) {
      return;
    }
    boolean member = leader != null && r.meta().getPeersList().stream().anyMatch(p -> p.getStoreId() == leader.getStoreId());
    if (member) {
      RegionInfo led = r.withLeader(leader);
      byStart.put(led.span().start(), led);
      byId.put(led.id(), led);
    } else {
      evict(r);
    }
  }

  /** The cached region with this id, or null. */
  public synchronized RegionInfo cached(long regionId) {
    return byId.get(regionId);
  }

  /** The address a store serves gRPC on. */
  public String storeAddress(long storeId) {
    String a = storeAddresses.get(storeId);
    if (a != null) {
      return a;
    }
    Metapb.Store s = pd.getStore(storeId);
    if (s == null || s.getAddress().isEmpty()) {
      throw new TikvException("store " + storeId + " has no address");
    }
    if (s.getState() == Metapb.StoreState.Tombstone) {
      throw new TikvException("store " + storeId + " is a tombstone");
    }
    storeAddresses.put(storeId, s.getAddress());
    return s.getAddress();
  }

  public void invalidateStore(long storeId) {
    storeAddresses.remove(storeId);
  }
}
