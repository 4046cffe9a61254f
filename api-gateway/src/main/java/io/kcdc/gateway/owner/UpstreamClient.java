package io.kcdc.gateway.owner;

import io.kcdc.common.security.Credential;
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

  /** How this upstream is reached: the server's {@code --ca/--cert/--key/--cert-allowed-cn}. */
  default Credential credential() {
    return Credential.NONE;
  }

  /**
   * The cluster id of the PD at {@code pdAddrs}, reached with {@code credential} (TiCDC's
   * {@code getPDClient} for a request that names PDs).
   *
   * @throws io.kcdc.common.security.TlsConfigException if the credential's files are unusable
   * @throws RuntimeException if no PD answers (also when the TLS handshake fails)
   */
  default long clusterIdOf(List<String> pdAddrs, Credential credential) {
    throw new UnsupportedOperationException("this upstream client cannot reach other PDs");
  }

  /** PD endpoints, written to the upstream key; empty if unknown. */
  default List<String> pdEndpoints() {
    return List.of();
  }

  /**
   * Resolves the locks of region {@code regionId} with a start ts up to {@code maxVersion}, as
   * TiCDC's lock resolver does (docs/lock-resolving.md): on this upstream, or on the cluster of
   * {@code pdAddrs} (reached with {@code credential}) when that is not empty.
   *
   * @throws UnsupportedOperationException if this client cannot reach TiKV
   */
  default void resolveLock(long regionId, long maxVersion, List<String> pdAddrs, Credential credential) {
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
