package io.kcdc.upstream.tikv;

import io.kcdc.kvproto.Cdcpb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How TiKV packs one round of region resolved ts into {@code ResolvedTs} messages (see
 * docs/tikv-eventfeed.md): per batch key (the request id on a multiplexed stream, 0 otherwise)
 * the regions are taken slowest first, 8, then 32, then 128 ... at a time, and each batch carries
 * the smallest ts among its regions. A region registered twice under one batch key can thus
 * appear in two batches with two different ts. Pure logic.
 */
final class ResolvedTsBatches {
  private static final int FIRST_BATCH = 8;
  private static final int GROWTH = 4;

  /** One region's resolved ts for one registration, under its batch key. */
  record Entry(long batchKey, long regionId, long ts) {}

  private ResolvedTsBatches() {}

  static List<Cdcpb.ResolvedTs> of(List<Entry> entries) {
    Map<Long, List<Entry>> byKey = new TreeMap<>();
    for (Entry e : entries) {
      byKey.computeIfAbsent(e.batchKey(), k -> new ArrayList<>()).add(e);
    }
    List<Cdcpb.ResolvedTs> out = new ArrayList<>();
    byKey.forEach((key, list) -> {
      // TiKV pops a min-heap on ts; equal ts come out in no particular order, here by region id.
      list.sort(Comparator.comparingLong(Entry::ts).thenComparingLong(Entry::regionId));
      int from = 0;
      for (int size = FIRST_BATCH; from < list.size(); size *= GROWTH) {
        List<Entry> batch = list.subList(from, Math.min(list.size(), from + size));
        Set<Long> regions = new LinkedHashSet<>();
        batch.forEach(e -> regions.add(e.regionId()));
        out.add(Cdcpb.ResolvedTs.newBuilder().setRequestId(key).setTs(batch.get(0).ts()).addAllRegions(regions).build());
        from += batch.size();
      }
    });
    return out;
  }
}
