package io.kcdc.capture;

import io.kcdc.common.security.Credential;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * TiCDC's TLS flags, shared by {@code cdc server}, {@code cdc streams} and {@code cdc cli}: one credential for every
 * TLS connection the command makes (and, for the server, the HTTPS API it serves); docs/security.md.
 */
final class TlsFlags {
  @Option(names = "--ca", defaultValue = "", description = "CA certificate path for TLS connections (docs/security.md).")
  String caPath;

  @Option(names = "--cert", defaultValue = "", description = "Certificate path for TLS connections; cdc server also serves its API over HTTPS with it.")
  String certPath;

  @Option(names = "--key", defaultValue = "", description = "Private key path for TLS connections (PEM, PKCS#8).")
  String keyPath;

  /** The flags as given on a command line. */
  static TlsFlags of(String ca, String cert, String key) {
    TlsFlags f = new TlsFlags();
    f.caPath = ca;
    f.certPath = cert;
    f.keyPath = key;
    return f;
  }

  /**
   * The credential of these files with the allowed Common Names ({@code --cert-allowed-cn}, comma separated; empty
   * for none), checked as TiCDC checks it.
   *
   * @throws io.kcdc.common.security.TlsConfigException if the files are unusable
   */
  Credential credential(String allowedCn) {
    List<String> cns = allowedCn == null || allowedCn.isEmpty() ? List.of() : Arrays.asList(allowedCn.split(","));
    return new Credential(caPath, certPath, keyPath, cns).validate();
  }
}
