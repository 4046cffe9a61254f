package io.kcdc.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and certificates it signs, written as PEM files for TLS tests (docs/testkit.md,
 * "TLS"). Every certificate is valid for {@code 127.0.0.1}, {@code ::1} and {@code localhost} and
 * for both server and client authentication, as a TiDB cluster's component certificates usually
 * are, and carries the Common Name it is issued for.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final Path caPath;

  private TestCertificates(Path dir, KeyPair caKeys, X509Certificate ca, Path caPath) {
    this.dir = dir;
    this.caKeys = caKeys;
    this.ca = ca;
    this.caPath = caPath;
  }

  /** A new CA named {@code caName}, its certificate written to {@code <dir>/<caName>.pem}. */
  public static TestCertificates create(Path dir, String caName) {
    try {
      Files.createDirectories(dir);
      KeyPair keys = newKeys();
      X500Name name = new X500Name("CN=" + caName);
      X509v3CertificateBuilder b = builder(name, name, keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = sign(b, keys);
      Path path = dir.resolve(caName + ".pem");
      writePem(path, cert);
      return new TestCertificates(dir, keys, cert, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a test CA", e);
    }
  }

  /** The CA certificate (PEM). */
  public Path caPath() {
    return caPath;
  }

  /**
   * A certificate with Common Name {@code commonName}, signed by this CA, written to
   * {@code <dir>/<commonName>.pem} and its PKCS#8 key to {@code <dir>/<commonName>-key.pem}.
   */
  public Issued issue(String commonName) {
    try {
      KeyPair keys = newKeys();
      X509v3CertificateBuilder b = builder(
          X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + commonName), keys);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, "::1"),
          new GeneralName(GeneralName.dNSName, "localhost")}));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      X509Certificate cert = sign(b, caKeys);
      Path certPath = dir.resolve(commonName + ".pem");
      Path keyPath = dir.resolve(commonName + "-key.pem");
      writePem(certPath, cert);
      writePem(keyPath, new JcaPKCS8Generator(keys.getPrivate(), null).generate());
      return new Issued(commonName, certPath, keyPath, cert, keys, ca);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  /** One issued certificate and its key, as files and as a ready JDK client context. */
  public record Issued(String commonName, Path certPath, Path keyPath, X509Certificate certificate, KeyPair keys,
      X509Certificate ca) {
    /** An SSL context that presents this certificate and trusts only the CA (for HTTPS calls in tests). */
    public SSLContext sslContext() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "test".toCharArray();
        ks.setKeyEntry("me", keys.getPrivate(), pw, new X509Certificate[] {certificate, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
        return ctx;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build a test SSL context", e);
      }
    }
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256, RANDOM);
    return g.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(s));
  }

  private static void writePem(Path path, Object value) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(value);
    }
    Files.writeString(path, out.toString());
  }
}
