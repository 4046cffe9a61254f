package io.kcdc.upstream.cluster;

import java.util.List;

/** Told when regions change (split, merge, leader transfer), like TiKV's region observers. */
@FunctionalInterface
public interface RegionListener {
  /** {@code old} no longer exists in that epoch; {@code replacements} cover its range now. */
  void onRegionChanged(Region old, List<Region> replacements);

  /** {@code old} was merged into {@code target} and no longer exists. */
  default void onRegionRemoved(Region old, Region target) {}

  /** {@code now} has the same epoch as {@code old} but another leader. */
  default void onLeaderChanged(Region old, Region now) {}
}
