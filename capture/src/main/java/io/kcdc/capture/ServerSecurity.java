package io.kcdc.capture;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.security.Credential;
import java.net.URI;
import java.util.List;

/**
 * The server's {@code --ca/--cert/--key/--cert-allowed-cn}, checked as {@code cdc server} checks
 * them (docs/security.md): the files must be usable, and every {@code --pd} URL must be
 * {@code https} with TLS and {@code http} without.
 */
final class ServerSecurity {
  private ServerSecurity() {}

  /** TiCDC's {@code CDC:ErrInvalidServerOption}. */
  static final class InvalidOptionException extends RuntimeException {
    InvalidOptionException(String detail) {
      super(CdcError.INVALID_SERVER_OPTION.gen().errorMsg() + ": " + detail);
    }
  }

  /**
   * The server's credential, its own certificate's CN added to a non-empty allowed list (peers
   * share it).
   *
   * @throws io.kcdc.common.security.TlsConfigException if the files are unusable
   * @throws InvalidOptionException if a PD URL's scheme does not match
   */
  static Credential of(String ca, String cert, String key, String allowedCn, List<String> pdEndpoints) {
    return of(TlsFlags.of(ca, cert, key), allowedCn, pdEndpoints);
  }

  static Credential of(TlsFlags tls, String allowedCn, List<String> pdEndpoints) {
    Credential c = tls.credential(allowedCn);
    for (String pd : pdEndpoints) {
      requirePdScheme(pd.trim(), c.isTlsEnabled());
    }
    return c.withSelfCommonName();
  }

  /**
   * TiCDC's {@code VerifyPdEndpoint} for a URL; a bare {@code host:port} (which this server has always
   * accepted) takes the scheme that the TLS settings imply.
   */
  static void requirePdScheme(String endpoint, boolean tls) {
    if (!endpoint.contains("://")) {
      return;
    }
    URI u;
    try {
      u = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException("parse PD endpoint: " + e.getMessage());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme();
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw new InvalidOptionException("PD endpoint should be a valid http or https URL");
    }
    if (tls && scheme.equals("http")) {
      throw new InvalidOptionException("PD endpoint scheme should be https");
    }
    if (!tls && scheme.equals("https")) {
      throw new InvalidOptionException("PD endpoint scheme is https, please provide certificate");
    }
  }
}
