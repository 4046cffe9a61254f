package io.kcdc.connector.puller;

import io.kcdc.tidb.KeySpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sub-ranges of one subscribed span and their resolved ts (TiCDC's {@code regionlock.RangeLock}
 * and frontier in one, docs/tikv-eventfeed.md). The entries tile the span exactly. A range is
 * either locked by one registration of a region (named by a token) or an unlocked hole that
 * remembers the resolved ts it had, so the span's resolved ts (the minimum over all entries)
 * cannot pass a region that is being re-registered. A region is locked at most once per span,
 * which is what keeps a (request id, region) pair from being registered twice.
 *
 * <p>Unlocking never takes a ts: a hole keeps what was last {@link #advance advanced}, and that
 * is only called once the rows below it are queued. Pure logic; not thread safe.
 */
public final class RangeLock {
  private static final long HOLE = 0;

  /** What {@link #lock} did. */
  public sealed interface Result permits Locked, Wait, Stale {}

  /** Locked: register the region from {@code checkpointTs}; {@code token} names the lock. */
  public record Locked(long token, long checkpointTs) implements Result {}

  /** A region with an older version still holds part of the range: try again once it is unlocked. */
  public record Wait() implements Result {}

  /**
   * The region info is stale (a lock with the same or a newer version overlaps, or the range is
   * outside the span): only {@code retry} (possibly nothing) still needs a region.
   */
  public record Stale(List<KeySpan> retry) implements Result {}

  private record Entry(byte[] end, long token, long regionId, long version, long resolvedTs) {
    boolean locked() {
      return token != HOLE;
    }
  }

  private final KeySpan span;
  private final TreeMap<byte[], Entry> entries = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<Long, byte[]> startByToken = new HashMap<>();
  private final Map<Long, byte[]> startByRegion = new HashMap<>();
  private long lastToken;

  public RangeLock(KeySpan span, long startTs) {
    if (span.end().length == 0) {
      throw new IllegalArgumentException("a subscribed span must be bounded");
    }
    this.span = span;
    entries.put(span.start(), new Entry(span.end(), HOLE, 0, 0, startTs));
  }

  public KeySpan span() {
    return span;
  }

  /**
   * Locks {@code range} (cut to the span) for {@code regionId} at region {@code version}, as
   * TiCDC's {@code tryLockRange}: free ranges are locked from the minimum resolved ts they kept;
   * a range overlapping a lock (or a region already locked elsewhere in the span) is stale when
   * that lock has the same or a newer version, and must wait for it otherwise.
   */
  public Result lock(KeySpan range, long regionId, long version) {
    KeySpan r = range.intersect(span);
    if (r == null) {
      return new Stale(List.of());
    }
    List<Map.Entry<byte[], Entry>> overlapping = overlapping(r);
    List<Map.Entry<byte[], Entry>> blocking = new ArrayList<>();
    for (var e : overlapping) {
      if (e.getValue().locked()) {
        blocking.add(e);
      }
    }
    byte[] sameRegion = startByRegion.get(regionId);
    if (sameRegion != null && blocking.stream().noneMatch(e -> Arrays.equals(e.getKey(), sameRegion))) {
      blocking.add(Map.entry(sameRegion, entries.get(sameRegion)));
    }
    if (blocking.isEmpty()) {
      long min = Long.MAX_VALUE;
      for (var e : overlapping) {
        min = Math.min(min, e.getValue().resolvedTs());
      }
      long token = ++lastToken;
      replace(r, overlapping, new Entry(r.end(), token, regionId, version, min));
      startByToken.put(token, r.start());
      startByRegion.put(regionId, r.start());
      return new Locked(token, min);
    }
    if (blocking.stream().anyMatch(e -> e.getValue().version() >= version)) {
      return new Stale(uncovered(r, blocking));
    }
    return new Wait();
  }

  /** Moves the resolved ts of the range locked under {@code token} forward. */
  public void advance(long token, long resolvedTs) {
    byte[] start = startByToken.get(token);
    if (start == null) {
      return;
    }
    Entry e = entries.get(start);
    if (resolvedTs > e.resolvedTs()) {
      entries.put(start, new Entry(e.end(), token, e.regionId(), e.version(), resolvedTs));
    }
  }

  /** Turns the range locked under {@code token} into a hole keeping its resolved ts; false if not locked. */
  public boolean unlock(long token) {
    byte[] start = startByToken.remove(token);
    if (start == null) {
      return false;
    }
    Entry e = entries.get(start);
    startByRegion.remove(e.regionId(), start);
    entries.put(start, new Entry(e.end(), HOLE, 0, 0, e.resolvedTs()));
    return true;
  }

  /** The span's resolved ts: the minimum over locked ranges and holes. */
  public long resolvedTs() {
    long min = Long.MAX_VALUE;
    for (Entry e : entries.values()) {
      min = Math.min(min, e.resolvedTs());
    }
    return min;
  }

  /** The unlocked holes, in key order. */
  public List<KeySpan> holes() {
    List<KeySpan> out = new ArrayList<>();
    for (var e : entries.entrySet()) {
      if (!e.getValue().locked()) {
        out.add(new KeySpan(e.getKey(), e.getValue().end()));
      }
    }
    return out;
  }

  /** The parts of {@code r} that none of the {@code locks} cover, in key order. */
  private static List<KeySpan> uncovered(KeySpan r, List<Map.Entry<byte[], Entry>> locks) {
    List<KeySpan> covered = new ArrayList<>();
    for (var e : locks) {
      KeySpan c = new KeySpan(e.getKey(), e.getValue().end()).intersect(r);
      if (c != null) {
        covered.add(c);
      }
    }
    covered.sort((a, b) -> Arrays.compareUnsigned(a.start(), b.start()));
    List<KeySpan> out = new ArrayList<>();
    byte[] cursor = r.start();
    for (KeySpan c : covered) {
      if (Arrays.compareUnsigned(cursor, c.start()) < 0) {
        out.add(new KeySpan(cursor, c.start()));
      }
      if (Arrays.compareUnsigned(c.end(), cursor) > 0) {
        cursor = c.end();
      }
    }
    if (Arrays.compareUnsigned(cursor, r.end()) < 0) {
      out.add(new KeySpan(cursor, r.end()));
    }
    return out;
  }

  private List<Map.Entry<byte[], Entry>> overlapping(KeySpan r) {
    List<Map.Entry<byte[], Entry>> out = new ArrayList<>();
    byte[] from = entries.floorKey(r.start());
    for (var e : entries.tailMap(from == null ? r.start() : from, true).entrySet()) {
      if (Arrays.compareUnsigned(e.getKey(), r.end()) >= 0) {
        break;
      }
      if (Arrays.compareUnsigned(e.getValue().end(), r.start()) > 0) {
        out.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  /** Replaces the overlapped holes by {@code e} over {@code r}, keeping their parts outside {@code r}. */
  private void replace(KeySpan r, List<Map.Entry<byte[], Entry>> overlapping, Entry e) {
    for (var o : overlapping) {
      entries.remove(o.getKey());
      Entry old = o.getValue();
      if (Arrays.compareUnsigned(o.getKey(), r.start()) < 0) {
        entries.put(o.getKey(), new Entry(r.start(), old.token(), old.regionId(), old.version(), old.resolvedTs()));
      }
      if (Arrays.compareUnsigned(old.end(), r.end()) > 0) {
        entries.put(r.end(), new Entry(old.end(), old.token(), old.regionId(), old.version(), old.resolvedTs()));
      }
    }
    entries.put(r.start(), e);
  }
}
