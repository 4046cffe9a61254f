package io.kcdc.upstream.cluster;

import java.util.List;

/** Told when a region's epoch changes (a split), like TiKV's region observers. */
@FunctionalInterface
public interface RegionListener {
  /** {@code old} no longer exists in that epoch; {@code replacements} cover its range now. */
  void onRegionChanged(Region old, List<Region> replacements);
}
