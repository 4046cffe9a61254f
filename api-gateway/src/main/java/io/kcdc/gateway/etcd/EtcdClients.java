package io.kcdc.gateway.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.kcdc.common.security.Credential;
import java.util.List;

/** jetcd clients of the captures' etcd: plain text, or TLS with the server's credential (docs/security.md). */
public final class EtcdClients {
  private EtcdClients() {}

  public static Client connect(List<String> endpoints, Credential security) {
    ClientBuilder b = Client.builder().endpoints(endpoints.toArray(String[]::new));
    if (security.isTlsEnabled()) {
      // TiCDC's etcd client uses the credential without the CN check (docs/security.md).
      b.sslContext(security.withoutAllowedCn().grpcClientContext());
    }
    return b.build();
  }
}
