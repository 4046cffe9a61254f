package io.kcdc.gateway.owner;

import java.util.List;

/** The upstream PD as the control plane needs it. */
public interface UpstreamClient {
  /** A fresh TSO from PD. */
  long currentTso();

  /** PD's current GC safepoint. */
  long gcSafePoint();

  /** Sets (or refreshes) a service GC safepoint: PD keeps data from {@code safePoint} on. */
  void updateServiceGcSafePoint(String serviceId, long ttlSeconds, long safePoint);

  /** The PD cluster id ({@code upstream_id}). */
  long clusterId();

  /** PD endpoints, written to the upstream key; empty if unknown. */
  default List<String> pdEndpoints() {
    return List.of();
  }
}
