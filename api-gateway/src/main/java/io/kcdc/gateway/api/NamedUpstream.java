package io.kcdc.gateway.api;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.common.security.Credential;
import io.kcdc.common.security.TlsConfigException;
import io.kcdc.gateway.owner.UpstreamClient;
import java.util.List;
import java.util.function.Function;

/**
 * TiCDC's {@code PDConfig} in a request ({@code pd_addrs} and a credential): those PDs are reached
 * with that credential, failing as TiCDC's {@code getPDClient} does, and must be the server's own
 * upstream cluster, which is the only one the data path runs on (docs/security.md).
 */
final class NamedUpstream {
  private NamedUpstream() {}

  /**
   * Checks that {@code pdAddrs} are reachable with {@code credential} and are the server's cluster;
   * nothing is checked when the list is empty.
   *
   * @param outer how the endpoint wraps a {@code getPDClient} failure (TiCDC differs per route)
   * @throws CdcException the wrapped failure, or {@code CDC:ErrUpstreamMissMatch} for another cluster
   */
  static void requireServersUpstream(UpstreamClient upstream, List<String> pdAddrs, Credential credential,
      Function<RuntimeException, CdcException> outer) {
    if (pdAddrs == null || pdAddrs.isEmpty()) {
      return;
    }
    long id = clusterId(upstream, pdAddrs, credential, outer);
    if (id != upstream.clusterId()) {
      throw CdcError.UPSTREAM_MISS_MATCH.gen(upstream.clusterId(), id);
    }
  }

  /** The cluster id of {@code pdAddrs} (0 when the list is empty), failures wrapped as {@link #requireServersUpstream} does. */
  static long clusterId(UpstreamClient upstream, List<String> pdAddrs, Credential credential,
      Function<RuntimeException, CdcException> outer) {
    if (pdAddrs.isEmpty()) {
      return 0;
    }
    try {
      return upstream.clusterIdOf(pdAddrs, credential.validate());
    } catch (TlsConfigException e) {
      // getPDClient returns the TLS error as it is.
      throw outer.apply(new IllegalArgumentException(e.errorMsg(), e));
    } catch (UnsupportedOperationException e) {
      throw CdcError.INTERNAL_SERVER_ERROR.wrap(e);
    } catch (RuntimeException e) {
      // getPDClient wraps a client failure in ErrAPIGetPDClientFailed.
      throw outer.apply(new IllegalStateException(CdcError.API_GET_PD_CLIENT_FAILED.wrap(e).errorMsg(), e));
    }
  }

  static Credential credential(String ca, String cert, String key, List<String> allowedCn) {
    return new Credential(ca, cert, key, allowedCn);
  }
}
