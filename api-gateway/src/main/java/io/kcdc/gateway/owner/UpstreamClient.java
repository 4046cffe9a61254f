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

  /**
   * Resolves the locks of region {@code regionId} with a start ts up to {@code maxVersion}, as
   * TiCDC's lock resolver does (docs/lock-resolving.md): on this upstream, or on the cluster of
   * {@code pdAddrs} when that is not empty.
   *
   * @throws UnsupportedOperationException if this client cannot reach TiKV
   */
  default void resolveLock(long regionId, long maxVersion, List<String> pdAddrs) {
    throw new UnsupportedOperationException("this upstream client cannot resolve locks");
  }

  /** A table of the upstream schema as {@code verify_table} lists it. */
  record VerifiedTable(String schema, String table, long tableId, boolean isPartition) {}

  /** Matched tables, split by TiCDC's eligibility (a primary key or a NOT NULL unique key; views count). */
  record VerifiedTables(List<VerifiedTable> ineligible, List<VerifiedTable> eligible) {}

  /**
   * The tables of the upstream schema at {@code startTs} that {@code filterRules} match (system
   * schemas and sequences never), eligible or not (TiCDC's {@code entry.VerifyTables}).
   *
   * @throws UnsupportedOperationException if this client cannot read the upstream schema
   */
  default VerifiedTables verifyTables(long startTs, List<String> filterRules, boolean caseSensitive) {
    throw new UnsupportedOperationException("this upstream client cannot read the upstream schema");
  }
}
