package io.kcdc.connector.tikv;

import io.kcdc.kvproto.Metapb;
import io.kcdc.tidb.KeySpan;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encoded key -> region (with leader) and store id -> address, filled from PD on misses and
 * invalidated when TiKV reports a region error.
 */
public final class RegionCache {
  private final PdClient pd;
  private final TreeMap<byte[], RegionInfo> byStart = new TreeMap<>(Arrays::compareUnsigned);
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
    byStart.values().removeIf(r -> r.id() == region.id() || r.span().intersect(span) != null);
    byStart.put(span.start(), region);
  }

  public synchronized void invalidate(long regionId) {
    byStart.values().removeIf(r -> r.id() == regionId);
  }

  /** Records a new leader reported by {@code not_leader}; forgets the region if it is unknown. */
  public synchronized void updateLeader(long regionId, Metapb.Peer leader) {
    for (var e : byStart.entrySet()) {
      RegionInfo r = e.getValue();
      if (r.id() == regionId) {
        boolean member = leader != null && r.meta().getPeersList().stream().anyMatch(p -> p.getStoreId() == leader.getStoreId());
        if (member) {
          e.setValue(r.withLeader(leader));
        } else {
          byStart.remove(e.getKey());
        }
        return;
      }
    }
  }

  /** The cached region with this id, or null. */
  public synchronized RegionInfo cached(long regionId) {
    return byStart.values().stream().filter(r -> r.id() == regionId).findFirst().orElse(null);
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
