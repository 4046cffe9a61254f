package io.kcdc.capture.runtime;

import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.LockResolver;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.gateway.owner.UpstreamClient;
import java.util.List;

/** The control plane's view of the upstream PD (and, for lock resolving, TiKV), over the connector's gRPC clients. */
public final class PdUpstreamClient implements UpstreamClient, AutoCloseable {
  private final ChannelPool channels = new ChannelPool();
  private final PdClient pd;
  private final LockResolver locks;
  private final List<String> endpoints;

  public PdUpstreamClient(List<String> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    this.pd = new PdClient(endpoints, channels, Backoff.DEFAULT);
    this.locks = new LockResolver(new RegionCache(pd), channels, Backoff.DEFAULT);
  }

  @Override
  public long currentTso() {
    return pd.currentTs();
  }

  @Override
  public long gcSafePoint() {
    return pd.getGcSafePoint();
  }

  @Override
  public void updateServiceGcSafePoint(String serviceId, long ttlSeconds, long safePoint) {
    pd.updateServiceGcSafePoint(serviceId, ttlSeconds, safePoint);
  }

  @Override
  public long clusterId() {
    return pd.clusterId();
  }

  @Override
  public List<String> pdEndpoints() {
    return endpoints.stream().map(e -> e.contains("://") ? e : "http://" + e).toList();
  }

  @Override
  public VerifiedTables verifyTables(long startTs, List<String> filterRules, boolean caseSensitive) {
    return UpstreamTables.verify(endpoints, startTs, filterRules, caseSensitive);
  }

  /** TiCDC's {@code unsafe/resolve_lock}: this upstream's TiKV, or a cluster of its own when the request names PDs. */
  @Override
  public void resolveLock(long regionId, long maxVersion, List<String> pdAddrs) {
    if (pdAddrs.isEmpty()) {
      locks.resolve(regionId, maxVersion);
      return;
    }
    try (ChannelPool otherChannels = new ChannelPool();
        PdClient otherPd = new PdClient(pdAddrs, otherChannels, Backoff.DEFAULT)) {
      new LockResolver(new RegionCache(otherPd), otherChannels, Backoff.DEFAULT).resolve(regionId, maxVersion);
    }
  }

  @Override
  public void close() {
    pd.close();
    channels.close();
  }
}
