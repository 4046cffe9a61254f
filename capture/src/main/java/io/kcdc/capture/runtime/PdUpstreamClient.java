package io.kcdc.capture.runtime;

import io.kcdc.common.security.Credential;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.LockResolver;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.gateway.owner.UpstreamClient;
import java.time.Duration;
import java.util.List;

/** The control plane's view of the upstream PD (and, for lock resolving, TiKV), over the connector's gRPC clients. */
public final class PdUpstreamClient implements UpstreamClient, AutoCloseable {
  /** How long a request that names other PDs waits for them (TiCDC gives its PD client 30 s). */
  private static final Backoff OTHER_PD = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2),
      Duration.ofSeconds(10));

  private final Credential security;
  private final ChannelPool channels;
  private final PdClient pd;
  private final LockResolver locks;
  private final List<String> endpoints;

  public PdUpstreamClient(List<String> endpoints) {
    this(endpoints, Credential.NONE);
  }

  /** Reaches PD and TiKV with the server's credential (plain text when it is empty). */
  public PdUpstreamClient(List<String> endpoints, Credential security) {
    this.security = security;
    this.channels = new ChannelPool(security);
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
    String scheme = security.isEmpty() ? "http://" : "https://";
    return endpoints.stream().map(e -> e.contains("://") ? e : scheme + e).toList();
  }

  @Override
  public Credential credential() {
    return security;
  }

  @Override
  public long clusterIdOf(List<String> pdAddrs, Credential credential) {
    try (ChannelPool otherChannels = new ChannelPool(credential);
        PdClient otherPd = new PdClient(pdAddrs, otherChannels, OTHER_PD)) {
      return otherPd.clusterId();
    } catch (RuntimeException e) {
      // gRPC reports a refused handshake as "io exception"; the reason (e.g. a CN not allowed) is the root cause.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (root != e && root.getMessage() != null && !String.valueOf(e.getMessage()).contains(root.getMessage())) {
        throw new IllegalStateException(e.getMessage() + ": " + root.getMessage(), e);
      }
      throw e;
    }
  }

  @Override
  public VerifiedTables verifyTables(long startTs, List<String> filterRules, boolean caseSensitive) {
    return UpstreamTables.verify(endpoints, security, startTs, filterRules, caseSensitive);
  }

  /** TiCDC's {@code unsafe/resolve_lock}: this upstream's TiKV, or a cluster of its own when the request names PDs. */
  @Override
  public void resolveLock(long regionId, long maxVersion, List<String> pdAddrs, Credential credential) {
    if (pdAddrs.isEmpty()) {
      locks.resolve(regionId, maxVersion);
      return;
    }
    try (ChannelPool otherChannels = new ChannelPool(credential);
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
