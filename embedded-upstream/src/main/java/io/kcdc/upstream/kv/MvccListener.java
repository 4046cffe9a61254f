package io.kcdc.upstream.kv;

import java.util.List;

/**
 * Observes every change applied to an {@link MvccStore}, like TiKV's CDC observer on raft apply.
 * Called while the store is locked, in apply order, so it must only hand the changes on.
 */
@FunctionalInterface
public interface MvccListener {
  void onChanges(List<MvccChange> changes);
}
