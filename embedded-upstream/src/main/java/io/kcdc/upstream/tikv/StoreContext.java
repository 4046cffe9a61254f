package io.kcdc.upstream.tikv;

import io.kcdc.upstream.cluster.RegionTable;
import io.kcdc.upstream.kv.MvccStore;

/**
 * What a store's gRPC services work on: the cluster's identity, the data, the region table, the
 * injected faults and the TiKV release the store behaves as.
 */
public record StoreContext(long clusterId, long storeId, MvccStore store, RegionTable regions, FeedFaults faults,
    TikvVersion version) {

  public StoreContext(long clusterId, long storeId, MvccStore store, RegionTable regions) {
    this(clusterId, storeId, store, regions, new FeedFaults(), TikvVersion.V8_5);
  }
}
