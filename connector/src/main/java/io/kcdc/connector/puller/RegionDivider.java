package io.kcdc.connector.puller;

import io.kcdc.connector.tikv.RegionInfo;
import io.kcdc.tidb.KeySpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Cuts a span by the regions PD returned: the covered parts and the gaps to retry. Pure logic. */
public final class RegionDivider {
  private RegionDivider() {}

  /** A region and the part of the span it serves. */
  public record RegionSpan(RegionInfo region, KeySpan span) {}

  /** Covered parts in key order, and the parts of the span no region (with a leader) covered. */
  public record Division(List<RegionSpan> covered, List<KeySpan> gaps) {}

  public static Division divide(KeySpan span, List<RegionInfo> regions) {
    List<RegionSpan> covered = new ArrayList<>();
    List<KeySpan> gaps = new ArrayList<>();
    List<RegionInfo> sorted = new ArrayList<>(regions);
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.span().start(), b.span().start()));
    byte[] cursor = span.start();
    for (RegionInfo r : sorted) {
      if (!r.hasLeader()) {
        continue;
      }
      KeySpan part = r.span().intersect(new KeySpan(cursor, span.end()));
      if (part == null) {
        continue;
      }
      if (Arrays.compareUnsigned(part.start(), cursor) > 0) {
        gaps.add(new KeySpan(cursor, part.start()));
      }
      covered.add(new RegionSpan(r, part));
      cursor = part.end();
      if (cursor.length == 0) {
        return new Division(covered, gaps);
      }
    }
    if (span.end().length == 0 || Arrays.compareUnsigned(cursor, span.end()) < 0) {
      gaps.add(new KeySpan(cursor, span.end()));
    }
    return new Division(covered, gaps);
  }
}
