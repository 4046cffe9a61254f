package io.kcdc.upstream.cluster;

import io.kcdc.tidb.KeySpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PD's view of the regions: a gap-free cover of the encoded key space starting with one region
 * {@code [-inf, +inf)}. Every region has a peer on every store; leaders are spread round robin.
 * Thread safe; a caller that must see a consistent table across calls synchronizes on it.
 */
public final class RegionTable {
  private final List<Long> storeIds;
  private final AtomicLong ids;
  /** Regions by start key ({@code ""} sorts first, meaning -inf). */
  private final NavigableMap<String, Region> byStart = new TreeMap<>();
  private final Map<Long, Region> byId = new ConcurrentHashMap<>();
  private final List<RegionListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param ids the cluster's id allocator (PD allocates store, region and peer ids from one
   *     counter)
   */
  public RegionTable(List<Long> storeIds, AtomicLong ids) {
    if (storeIds.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one store");
    }
    this.storeIds = List.copyOf(storeIds);
    this.ids = ids;
    long regionId = ids.incrementAndGet();
    put(newRegion(regionId, new KeySpan(null, null), 1, 1, 0));
  }

  public void addListener(RegionListener listener) {
    listeners.add(listener);
  }

  public void removeListener(RegionListener listener) {
    listeners.remove(listener);
  }

  public synchronized Region regionOf(byte[] encodedKey) {
    return byStart.floorEntry(keyOf(encodedKey)).getValue();
  }

  public Region byId(long regionId) {
    return byId.get(regionId);
  }

  public synchronized List<Region> all() {
    return new ArrayList<>(byStart.values());
  }

  /**
   * Regions overlapping {@code [startKey, endKey)} in key order, at most {@code limit} ({@code
   * <= 0}: no limit), as PD's ScanRegions returns them.
   */
  public synchronized List<Region> scan(byte[] startKey, byte[] endKey, int limit) {
    List<Region> out = new ArrayList<>();
    String from = byStart.floorKey(keyOf(startKey));
    for (Region r : byStart.tailMap(from, true).values()) {
      if (endKey.length > 0 && Arrays.compareUnsigned(r.span().start(), endKey) >= 0) {
        break;
      }
      out.add(r);
      if (limit > 0 && out.size() >= limit) {
        break;
      }
    }
    return out;
  }

  /**
   * Splits the region containing {@code encodedKey} at that key: the left part keeps the region
   * id, the right part gets a new id, both get version + 1. No-op at an existing boundary.
   *
   * @return the regions covering the old range afterwards
   */
  public List<Region> split(byte[] encodedKey) {
    Region old;
    List<Region> now;
    synchronized (this) {
      old = regionOf(encodedKey);
      if (Arrays.equals(old.span().start(), encodedKey)) {
        return List.of(old);
      }
      long version = old.version() + 1;
      Region left = new Region(old.id(), new KeySpan(old.span().start(), encodedKey), old.confVer(), version,
          old.peers(), old.leader());
      Region right = newRegion(ids.incrementAndGet(), new KeySpan(encodedKey, old.span().end()), old.confVer(),
          version, storeIds.indexOf(old.leader().storeId()));
      put(left);
      put(right);
      now = List.of(left, right);
    }
    for (RegionListener l : listeners) {
      l.onRegionChanged(old, now);
    }
    return now;
  }

  /**
   * Merges {@code rightId} into its left neighbour {@code leftId}, as PD's merge checker does: the
   * left region keeps its id and leader, takes the union of both ranges and gets version {@code
   * max(left, right) + 1}; the right region is gone.
   *
   * @return the merged region
   * @throws IllegalArgumentException when the regions are unknown or not adjacent in that order
   */
  public Region merge(long leftId, long rightId) {
    Region left;
    Region right;
    Region merged;
    synchronized (this) {
      left = byId.get(leftId);
      right = byId.get(rightId);
      if (left == null || right == null || !Arrays.equals(left.span().end(), right.span().start())
          || left.span().end().length == 0) {
        throw new IllegalArgumentException("regions " + leftId + " and " + rightId + " are not adjacent");
      }
      merged = new Region(left.id(), new KeySpan(left.span().start(), right.span().end()), left.confVer(),
          Math.max(left.version(), right.version()) + 1, left.peers(), left.leader());
      byStart.remove(keyOf(right.span().start()));
      byId.remove(right.id());
      put(merged);
    }
    for (RegionListener l : listeners) {
      l.onRegionRemoved(right, merged);
      l.onRegionChanged(left, List.of(merged));
    }
    return merged;
  }

  /**
   * Moves the leader of {@code regionId} to its peer on {@code storeId}; the epoch does not change
   * (TiKV bumps neither conf_ver nor version for a leader transfer).
   *
   * @return the region with its new leader
   */
  public Region transferLeader(long regionId, long storeId) {
    Region old;
    Region now;
    synchronized (this) {
      old = byId.get(regionId);
      if (old == null) {
        throw new IllegalArgumentException("no region " + regionId);
      }
      Peer leader = old.peers().stream().filter(p -> p.storeId() == storeId).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("region " + regionId + " has no peer on store " + storeId));
      if (leader.equals(old.leader())) {
        return old;
      }
      now = new Region(old.id(), old.span(), old.confVer(), old.version(), old.peers(), leader);
      put(now);
    }
    for (RegionListener l : listeners) {
      l.onLeaderChanged(old, now);
    }
    return now;
  }

  private Region newRegion(long regionId, KeySpan span, long confVer, long version, int leaderIndex) {
    List<Peer> peers = new ArrayList<>();
    for (long storeId : storeIds) {
      peers.add(new Peer(ids.incrementAndGet(), storeId));
    }
    return new Region(regionId, span, confVer, version, peers, peers.get(Math.floorMod(leaderIndex, peers.size())));
  }

  /** Round-robin leader placement for regions created by {@link EmbeddedCluster} splits. */
  synchronized void spreadLeaders() {
    int i = 0;
    for (Region r : new ArrayList<>(byStart.values())) {
      Peer leader = r.peers().get(i++ % r.peers().size());
      put(new Region(r.id(), r.span(), r.confVer(), r.version(), r.peers(), leader));
    }
  }

  private void put(Region r) {
    byStart.put(keyOf(r.span().start()), r);
    byId.put(r.id(), r);
  }

  /** Latin-1 strings compare like unsigned bytes, so a TreeMap of them orders keys bytewise. */
  private static String keyOf(byte[] encodedKey) {
    return new String(encodedKey, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
