package io.kcdc.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.testkit.TempDirs;
import io.kcdc.testkit.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TiCDC's credential semantics (pkg/security/credential.go; docs/security.md): all paths or none,
 * TiCDC's messages for unusable files, and the cert-allowed-cn check in a real TLS handshake.
 */
class CredentialTest {
  private static Path dir;
  private static TestCertificates certs;
  private static TestCertificates.Issued server;
  private static TestCertificates.Issued client;

  @BeforeAll
  static void makeCertificates() {
    dir = TempDirs.create("credential");
    certs = TestCertificates.create(dir, "test-ca");
    server = certs.issue("kcdc-server");
    client = certs.issue("kcdc-client");
  }

  @AfterAll
  static void deleteCertificates() throws IOException {
    TempDirs.delete(dir);
  }

  private static Credential of(TestCertificates.Issued who, String... allowedCn) {
    return new Credential(certs.caPath().toString(), who.certPath().toString(), who.keyPath().toString(),
        List.of(allowedCn));
  }

  @Test
  void emptyIsPlainTextAndAllThreeIsTls() {
    assertThat(Credential.NONE.isEmpty()).isTrue();
    assertThat(Credential.NONE.validate().grpcClientContext()).isNull();
    assertThat(new Credential(null, null, null, null)).isEqualTo(Credential.NONE);
    Credential tls = of(client).validate();
    assertThat(tls.isTlsEnabled()).isTrue();
    assertThat(tls.grpcClientContext().isClient()).isTrue();
    assertThat(tls.grpcServerContext().isServer()).isTrue();
  }

  @Test
  void aPartialCredentialIsRefused() {
    Credential caOnly = new Credential(certs.caPath().toString(), "", "", List.of());
    assertThat(caOnly.isEmpty()).isFalse();
    assertThat(caOnly.isTlsEnabled()).isFalse();
    assertThatThrownBy(caOnly::validate).isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("generate tls config failed: ca, cert and key paths must be given together");
  }

  @Test
  void unusableFilesFailWithTiCdcsMessages() throws IOException {
    Credential missingCa = new Credential("/nonexistent/ca.pem", client.certPath().toString(),
        client.keyPath().toString(), List.of());
    assertThatThrownBy(missingCa::validate).isInstanceOfSatisfying(TlsConfigException.class, e ->
        assertThat(e.errorMsg()).isEqualTo("[CDC:ErrToTLSConfigFailed]generate tls config failed: "
            + "could not read ca certificate: open /nonexistent/ca.pem: no such file or directory"));

    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    Credential garbageCa = new Credential(garbage.toString(), client.certPath().toString(),
        client.keyPath().toString(), List.of());
    assertThatThrownBy(garbageCa::validate).isInstanceOf(TlsConfigException.class)
        .hasMessage("generate tls config failed: failed to append ca certs");

    // A key that is not the certificate's.
    Credential mismatched = new Credential(certs.caPath().toString(), client.certPath().toString(),
        server.keyPath().toString(), List.of());
    assertThatThrownBy(mismatched::validate).isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("generate tls config failed: could not load client key pair");
  }

  @Test
  void aServerWithAllowedCnsAlsoAcceptsItsOwnCn() {
    assertThat(of(server, "kcdc-client").withSelfCommonName().certAllowedCn())
        .containsExactly("kcdc-client", "kcdc-server");
    // Without a list, nothing is checked and nothing is added.
    assertThat(of(server).withSelfCommonName().certAllowedCn()).isEmpty();
  }

  @Test
  void aClientCertificateWhoseCnIsNotAllowedIsRefusedByTheServer() throws Exception {
    assertThat(handshake(of(server, "kcdc-client"), of(client))).isNull();
    Throwable refused = handshake(of(server, "someone-else"), of(client));
    assertThat(refused).isNotNull();
    Throwable serverSide = serverFailure;
    assertThat(serverSide).isNotNull();
    assertThat(rootMessage(serverSide)).isEqualTo("client certificate authentication failed. The Common Name from "
        + "the client certificate [kcdc-client] was not found in the configuration cluster-verify-cn with value: "
        + "[someone-else]");
  }

  @Test
  void aServerCertificateWhoseCnIsNotAllowedIsRefusedByTheClient() throws Exception {
    assertThat(handshake(of(server), of(client, "kcdc-server"))).isNull();
    Throwable refused = handshake(of(server), of(client, "not-the-server"));
    assertThat(refused).isNotNull();
    assertThat(rootMessage(refused)).contains("[kcdc-server] was not found in the configuration "
        + "cluster-verify-cn with value: [not-the-server]");
  }

  private static volatile Throwable serverFailure;

  /** One TLS handshake over loopback with JDK contexts of the two credentials; the client's failure or null. */
  private static Throwable handshake(Credential serverSide, Credential clientSide) throws Exception {
    serverFailure = null;
    SSLContext s = serverSide.httpContext(true);
    SSLContext c = clientSide.httpContext(false);
    try (SSLServerSocket listener = (SSLServerSocket) s.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(serverSide.requiresClientCertificate());
      CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
        try (SSLSocket peer = (SSLSocket) listener.accept()) {
          peer.startHandshake();
          peer.getOutputStream().write(1);
          peer.getOutputStream().flush();
        } catch (IOException e) {
          serverFailure = e;
        }
      });
      Throwable failure = null;
      try (SSLSocket socket = (SSLSocket) c.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
          listener.getLocalPort())) {
        socket.startHandshake();
        if (socket.getInputStream().read() != 1) {
          throw new SSLException("connection closed by the server");
        }
      } catch (IOException e) {
        failure = e;
      }
      accepted.get(10, TimeUnit.SECONDS);
      return failure;
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage();
  }
}
