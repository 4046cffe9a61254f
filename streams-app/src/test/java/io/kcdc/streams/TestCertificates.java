package io.kcdc.streams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA, a broker certificate it signed ({@code CN=localhost}, SAN {@code dns:localhost} only) and an unrelated
 * CA, made with the JDK's {@code keytool} (no network, no openssl, no extra library). The broker's PKCS#12 store holds
 * its key, its chain and the CA as a trusted entry, so it serves as the broker's key and trust store; its key and
 * chain are also written as PEM, for a client certificate the broker trusts.
 */
final class TestCertificates {
  static final String PASSWORD = "changeit";
  final Path caPem;
  final Path otherCaPem;
  final Path brokerStore;
  final Path clientCertPem;
  final Path clientKeyPem;

  private TestCertificates(Path dir) {
    caPem = dir.resolve("ca.pem");
    otherCaPem = dir.resolve("other-ca.pem");
    brokerStore = dir.resolve("broker.p12");
    clientCertPem = dir.resolve("client-cert.pem");
    clientKeyPem = dir.resolve("client-key.pem");
  }

  static TestCertificates create(Path dir) throws Exception {
    TestCertificates c = new TestCertificates(dir);
    Path ca = dir.resolve("ca.p12");
    Path other = dir.resolve("other.p12");
    Path csr = dir.resolve("broker.csr");
    Path signed = dir.resolve("broker.pem");
    keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=kcdc-test-ca",
        "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
    keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", c.caPem.toString());
    keytool(dir, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
        "-validity", "2", "-keystore", c.brokerStore.toString());
    keytool(dir, "-certreq", "-alias", "broker", "-keystore", c.brokerStore.toString(), "-file", csr.toString());
    keytool(dir, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(), "-outfile",
        signed.toString(), "-rfc", "-validity", "2", "-ext", "SAN=dns:localhost");
    keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", c.caPem.toString(), "-keystore",
        c.brokerStore.toString());
    keytool(dir, "-importcert", "-alias", "broker", "-file", signed.toString(), "-keystore", c.brokerStore.toString());
    keytool(dir, "-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=other-ca",
        "-ext", "bc:c", "-validity", "2", "-keystore", other.toString());
    keytool(dir, "-exportcert", "-rfc", "-alias", "other", "-keystore", other.toString(), "-file",
        c.otherCaPem.toString());

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(c.brokerStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    List<String> chain = new ArrayList<>();
    for (Certificate cert : store.getCertificateChain("broker")) {
      chain.add(pem("CERTIFICATE", cert.getEncoded()));
    }
    Files.writeString(c.clientCertPem, String.join("", chain));
    Files.writeString(c.clientKeyPem,
        pem("PRIVATE KEY", store.getKey("broker", PASSWORD.toCharArray()).getEncoded()));
    return c;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-J-XX:TieredStopAtLevel=1",
        "-J-XX:+UseSerialGC"));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + ": "
          + new String(out, StandardCharsets.UTF_8));
    }
  }
}
