package io.kcdc.connector.puller;

import io.kcdc.tidb.KeySpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The sub-ranges of one subscribed span and their resolved ts (TiCDC's {@code RangeLock} and
 * frontier in one). The entries tile the span exactly. A range is either locked by a region or
 * an unlocked hole that remembers the resolved ts it had, so the span's resolved ts (the
 * minimum over all entries) cannot pass a region that is being re-registered. Pure logic; not
 * thread safe.
 */
public final class RangeLock {
  private static final long NO_REGION = 0;

  private record Entry(byte[] end, long regionId, long resolvedTs) {}

  private final KeySpan span;
  private final TreeMap<byte[], Entry> entries = new TreeMap<>(Arrays::compareUnsigned);

  public RangeLock(KeySpan span, long startTs) {
    if (span.end().length == 0) {
      throw new IllegalArgumentException("a subscribed span must be bounded");
    }
    this.span = span;
    entries.put(span.start(), new Entry(span.end(), NO_REGION, startTs));
  }

  public KeySpan span() {
    return span;
  }

  /**
   * Locks {@code range} for {@code regionId}. Returns the minimum resolved ts previously recorded
   * over the range (the checkpoint to register from), or empty when part of it is locked by
   * another region.
   */
  public OptionalLong lock(KeySpan range, long regionId) {
    KeySpan r = range.intersect(span);
    if (r == null) {
      return OptionalLong.empty();
    }
    List<Map.Entry<byte[], Entry>> overlapping = overlapping(r);
    long min = Long.MAX_VALUE;
    for (var e : overlapping) {
      if (e.getValue().regionId != NO_REGION && e.getValue().regionId != regionId) {
        return OptionalLong.empty();
      }
      min = Math.min(min, e.getValue().resolvedTs);
    }
    replace(r, overlapping, new Entry(r.end(), regionId, min));
    return OptionalLong.of(min);
  }

  /** Turns the range locked by {@code regionId} at {@code start} into a hole keeping {@code resolvedTs}. */
  public void unlock(byte[] start, long regionId, long resolvedTs) {
    Entry e = entries.get(start);
    if (e != null && e.regionId == regionId) {
      entries.put(start, new Entry(e.end, NO_REGION, Math.max(resolvedTs, e.resolvedTs)));
    }
  }

  /** Moves the resolved ts of the range locked by {@code regionId} at {@code start} forward. */
  public void advance(byte[] start, long regionId, long resolvedTs) {
    Entry e = entries.get(start);
    if (e != null && e.regionId == regionId && resolvedTs > e.resolvedTs) {
      entries.put(start, new Entry(e.end, regionId, resolvedTs));
    }
  }

  /** The span's resolved ts: the minimum over locked ranges and holes. */
  public long resolvedTs() {
    long min = Long.MAX_VALUE;
    for (Entry e : entries.values()) {
      min = Math.min(min, e.resolvedTs);
    }
    return min;
  }

  /** The unlocked holes, in key order. */
  public List<KeySpan> holes() {
    List<KeySpan> out = new ArrayList<>();
    for (var e : entries.entrySet()) {
      if (e.getValue().regionId == NO_REGION) {
        out.add(new KeySpan(e.getKey(), e.getValue().end));
      }
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
      if (Arrays.compareUnsigned(e.getValue().end, r.start()) > 0) {
        out.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  /** Replaces the overlapped entries by {@code e} over {@code r}, keeping the parts outside {@code r}. */
  private void replace(KeySpan r, List<Map.Entry<byte[], Entry>> overlapping, Entry e) {
    for (var o : overlapping) {
      entries.remove(o.getKey());
      Entry old = o.getValue();
      if (Arrays.compareUnsigned(o.getKey(), r.start()) < 0) {
        entries.put(o.getKey(), new Entry(r.start(), old.regionId, old.resolvedTs));
      }
      if (Arrays.compareUnsigned(old.end, r.end()) > 0) {
        entries.put(r.end(), new Entry(old.end, old.regionId, old.resolvedTs));
      }
    }
    entries.put(r.start(), e);
  }
}
