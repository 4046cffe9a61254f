package io.kcdc.capture.runtime;

import io.kcdc.connector.tikv.PdClient;
import io.kcdc.gateway.owner.UpstreamClient;
import java.util.List;

/** The control plane's view of the upstream PD, over the connector's PD gRPC client. */
public final class PdUpstreamClient implements UpstreamClient, AutoCloseable {
  private final PdClient pd;
  private final List<String> endpoints;

  public PdUpstreamClient(List<String> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    this.pd = new PdClient(endpoints);
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

  @Override
  public void close() {
    pd.close();
  }
}
