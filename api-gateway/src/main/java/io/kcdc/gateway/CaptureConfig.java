package io.kcdc.gateway;

import io.kcdc.common.security.Credential;
import io.kcdc.gateway.api.ChangefeedIds;
import java.util.List;
import java.util.Set;

/**
 * One capture's control-plane settings.
 *
 * @param clusterId TiCDC {@code cluster-id} (default {@code default}); keys live under {@code /tidb/cdc/<clusterId>}
 * @param addr where the v2 API listens, {@code host:port} (default {@code 127.0.0.1:8300}; port 0 = any free port)
 * @param advertiseAddr the address other captures use to reach this one; null = {@code addr} with the bound port
 * @param etcdEndpoints etcd client URLs, e.g. {@code http://127.0.0.1:2379}
 * @param version reported in {@code /status}, the capture key and {@code creator_version}
 * @param gitHash reported in {@code /status} and the capture key
 * @param deployPath written into the capture key
 * @param sessionTtlSeconds TTL of the capture's etcd lease ({@code --capture-session-ttl}, default
 *     {@link #DEFAULT_SESSION_TTL_SECONDS})
 * @param sessionFile where the capture keeps its etcd lease id, so that its next incarnation (same data
 *     directory, after a crash) can revoke it at once ({@link io.kcdc.gateway.etcd.SessionFile}) instead of
 *     letting it expire; null = not kept
 * @param security the server's {@code --ca/--cert/--key/--cert-allowed-cn}: etcd is reached over TLS with it
 *     and the API is served over HTTPS (docs/security.md); {@link Credential#NONE} for plain text
 */
public record CaptureConfig(
    String clusterId,
    String addr,
    String advertiseAddr,
    List<String> etcdEndpoints,
    String version,
    String gitHash,
    String deployPath,
    long sessionTtlSeconds,
    java.nio.file.Path sessionFile,
    Credential security) {
  public static final String DEFAULT_ADDR = "127.0.0.1:8300";
  public static final String DEFAULT_CLUSTER_ID = "default";
  /**
   * TiCDC's default is 10 s. A killed owner is replaced only once its lease expires, and the owner's barrier
   * and checkpoint are on the data path, so 5 s here keeps the recovery after a SIGKILL under 10 s; the
   * price is that a capture whose keep-alives stall for 5 s (a long GC pause) loses its session and
   * registers again (README, "Recovery after a crash").
   */
  public static final long DEFAULT_SESSION_TTL_SECONDS = 5;

  private static final Set<String> RESERVED_CLUSTER_IDS =
      Set.of("owner", "capture", "task", "changefeed", "job", "meta");

  public CaptureConfig {
    clusterId = clusterId == null || clusterId.isEmpty() ? DEFAULT_CLUSTER_ID : clusterId;
    addr = addr == null || addr.isEmpty() ? DEFAULT_ADDR : addr;
    etcdEndpoints = List.copyOf(etcdEndpoints);
    gitHash = gitHash == null ? "" : gitHash;
    deployPath = deployPath == null ? "" : deployPath;
    sessionTtlSeconds = sessionTtlSeconds <= 0 ? DEFAULT_SESSION_TTL_SECONDS : sessionTtlSeconds;
    security = security == null ? Credential.NONE : security;
    if (!ChangefeedIds.isValid(clusterId) || RESERVED_CLUSTER_IDS.contains(clusterId)) {
      throw new IllegalArgumentException("invalid cluster-id: " + clusterId);
    }
    if (etcdEndpoints.isEmpty()) {
      throw new IllegalArgumentException("no etcd endpoints");
    }
  }

  /** Settings without TLS. */
  public CaptureConfig(String clusterId, String addr, String advertiseAddr, List<String> etcdEndpoints,
      String version, String gitHash, String deployPath, long sessionTtlSeconds, java.nio.file.Path sessionFile) {
    this(clusterId, addr, advertiseAddr, etcdEndpoints, version, gitHash, deployPath, sessionTtlSeconds,
        sessionFile, Credential.NONE);
  }

  /** The usual settings: default cluster id unless given, 10 s session TTL, advertise = listen address. */
  public static CaptureConfig of(String clusterId, String addr, List<String> etcdEndpoints, String version) {
    return new CaptureConfig(clusterId, addr, null, etcdEndpoints, version, "", "", DEFAULT_SESSION_TTL_SECONDS, null);
  }

  public CaptureConfig withSessionTtlSeconds(long ttl) {
    return new CaptureConfig(clusterId, addr, advertiseAddr, etcdEndpoints, version, gitHash, deployPath, ttl,
        sessionFile, security);
  }

  String host() {
    int colon = addr.lastIndexOf(':');
    return colon < 0 ? addr : addr.substring(0, colon);
  }

  int port() {
    int colon = addr.lastIndexOf(':');
    return colon < 0 ? 8300 : Integer.parseInt(addr.substring(colon + 1));
  }
}
