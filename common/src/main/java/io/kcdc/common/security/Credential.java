package io.kcdc.common.security;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TiCDC's security credential ({@code pkg/security/credential.go}, docs/security.md): PEM paths of
 * the CA, this side's certificate and its key, and the Common Names a peer certificate must carry.
 * All three paths or none: none is plain text, all three is TLS for PD, TiKV, etcd and the HTTP API.
 *
 * @param caPath trusted CA certificates (PEM)
 * @param certPath this side's certificate (PEM), presented as client and as server
 * @param keyPath its private key (PEM, PKCS#8)
 * @param certAllowedCn when not empty, a peer is accepted only if its certificate has one of these CNs
 */
public record Credential(String caPath, String certPath, String keyPath, List<String> certAllowedCn) {
  public static final Credential NONE = new Credential("", "", "", List.of());

  public Credential {
    caPath = caPath == null ? "" : caPath;
    certPath = certPath == null ? "" : certPath;
    keyPath = keyPath == null ? "" : keyPath;
    certAllowedCn = certAllowedCn == null ? List.of()
        : certAllowedCn.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** TiCDC's {@code IsTLSEnabled}: all three paths are set. */
  public boolean isTlsEnabled() {
    return !caPath.isEmpty() && !certPath.isEmpty() && !keyPath.isEmpty();
  }

  /** TiCDC's {@code IsEmpty}: no path is set. */
  public boolean isEmpty() {
    return caPath.isEmpty() && certPath.isEmpty() && keyPath.isEmpty();
  }

  /**
   * Checks that the credential is usable: empty, or three readable files that parse (CA
   * certificates, a certificate and its key).
   *
   * @throws TlsConfigException with TiCDC's message otherwise
   */
  public Credential validate() {
    if (isEmpty()) {
      return this;
    }
    if (!isTlsEnabled()) {
      throw new TlsConfigException("ca, cert and key paths must be given together (ca: \"" + caPath
          + "\", cert: \"" + certPath + "\", key: \"" + keyPath + "\")", null);
    }
    grpcClientContext();
    requireMatchingKey();
    return this;
  }

  /** As Go's {@code tls.LoadX509KeyPair}: the key must be the certificate's (netty does not check). */
  private void requireMatchingKey() {
    Optional<PrivateKey> key = Pkcs8.read(Path.of(keyPath));
    if (key.isEmpty()) {
      return; // another PEM form: netty parsed it, the handshake will tell
    }
    X509Certificate cert = certificate();
    try {
      String algorithm = switch (key.get().getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> key.get().getAlgorithm();
      };
      byte[] probe = "kcdc key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key.get());
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new TlsConfigException("could not load client key pair: tls: private key does not match public key",
            null);
      }
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("could not load client key pair: tls: private key does not match public key", e);
    }
  }

  /**
   * TiCDC's {@code AddSelfCommonName}: a server with an allowed CN list also accepts its own
   * certificate's CN, so that its peers (sharing its certificate) can reach it.
   */
  public Credential withSelfCommonName() {
    if (certAllowedCn.isEmpty() || certPath.isEmpty()) {
      return this;
    }
    String own = CommonNameCheck.commonName(certificate().getSubjectX500Principal());
    if (own.isEmpty() || certAllowedCn.contains(own)) {
      return this;
    }
    List<String> cns = new ArrayList<>(certAllowedCn);
    cns.add(own);
    return new Credential(caPath, certPath, keyPath, cns);
  }

  /**
   * The same paths without a CN list. TiCDC checks the server's {@code cert-allowed-cn} only on
   * its HTTP API (and its HTTP calls to other captures), not on its PD, TiKV and etcd
   * connections (docs/security.md): those use this.
   */
  public Credential withoutAllowedCn() {
    return certAllowedCn.isEmpty() ? this : new Credential(caPath, certPath, keyPath, List.of());
  }

  /**
   * A gRPC client context (PD, TiKV, etcd) or null for plain text; with a CN list the server's
   * certificate must carry one of them (as PD's client TLS config checks its allowed CN).
   */
  public SslContext grpcClientContext() {
    if (isEmpty()) {
      return null;
    }
    return build(GrpcSslContexts.configure(clientBuilder()));
  }

  /** A gRPC server context that requires a client certificate signed by the CA; null for plain text. */
  public SslContext grpcServerContext() {
    if (isEmpty()) {
      return null;
    }
    return build(GrpcSslContexts.configure(serverBuilder().clientAuth(ClientAuth.REQUIRE)));
  }

  /**
   * A JDK context for HTTPS, as client ({@code server == false}) or server; null for plain text.
   * As TiCDC's HTTP server, a server asks for (and requires) a client certificate only when
   * {@link #certAllowedCn} is set.
   */
  public SSLContext httpContext(boolean server) {
    if (isEmpty()) {
      return null;
    }
    SslContextBuilder b = server ? serverBuilder() : clientBuilder();
    return ((JdkSslContext) build(b.sslProvider(SslProvider.JDK))).context();
  }

  /** Whether an HTTPS server built from this credential requires client certificates. */
  public boolean requiresClientCertificate() {
    return !certAllowedCn.isEmpty();
  }

  private SslContextBuilder clientBuilder() {
    requireComplete();
    return SslContextBuilder.forClient()
        .trustManager(trustManager())
        .keyManager(existing(certPath, "could not load client key pair").toFile(),
            existing(keyPath, "could not load client key pair").toFile());
  }

  private SslContextBuilder serverBuilder() {
    requireComplete();
    return SslContextBuilder.forServer(existing(certPath, "could not load client key pair").toFile(),
            existing(keyPath, "could not load client key pair").toFile())
        .trustManager(trustManager());
  }

  private void requireComplete() {
    if (!isTlsEnabled()) {
      throw new TlsConfigException("ca, cert and key paths must be given together", null);
    }
  }

  private static SslContext build(SslContextBuilder builder) {
    try {
      return builder.build();
    } catch (IOException | IllegalArgumentException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new TlsConfigException("could not load client key pair: " + root.getMessage(), e);
    }
  }

  private TrustManager trustManager() {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : readCertificates(caPath, "could not read ca certificate", "failed to append ca certs")) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new TlsConfigException("failed to append ca certs", null);
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      X509ExtendedTrustManager ca = (X509ExtendedTrustManager) f.getTrustManagers()[0];
      return certAllowedCn.isEmpty() ? ca : new CommonNameTrustManager(ca, new CommonNameCheck(certAllowedCn));
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException("failed to append ca certs: " + e.getMessage(), e);
    }
  }

  private X509Certificate certificate() {
    Collection<? extends Certificate> certs = readCertificates(certPath, "could not load client key pair",
        "failed to decode PEM block to certificate");
    if (certs.isEmpty()) {
      throw new TlsConfigException("failed to decode PEM block to certificate", null);
    }
    return (X509Certificate) certs.iterator().next();
  }

  private static Collection<? extends Certificate> readCertificates(String path, String what, String notPem) {
    try (InputStream in = Files.newInputStream(existing(path, what))) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new TlsConfigException(what + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException(notPem, e);
    }
  }

  /** The path if it is a readable file; TiCDC's message (Go's {@code open <path>: ...}) otherwise. */
  private static Path existing(String path, String what) {
    Path p = Path.of(path);
    if (!Files.exists(p)) {
      throw new TlsConfigException(what + ": open " + path + ": no such file or directory",
          new NoSuchFileException(path));
    }
    if (!Files.isReadable(p) || Files.isDirectory(p)) {
      throw new TlsConfigException(what + ": open " + path + ": permission denied", null);
    }
    return p;
  }
}
