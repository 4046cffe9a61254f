package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.security.Credential;
import io.kcdc.common.security.TlsConfigException;
import io.kcdc.testkit.TempDirs;
import io.kcdc.testkit.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cdc server --ca --cert --key --cert-allowed-cn} as TiCDC checks them (pkg/cmd/server/server.go). */
class ServerSecurityTest {
  private static Path dir;
  private static TestCertificates certs;
  private static TestCertificates.Issued cdc;

  @BeforeAll
  static void certificates() {
    dir = TempDirs.create("server-security");
    certs = TestCertificates.create(dir, "ca");
    cdc = certs.issue("cdc-server");
  }

  @AfterAll
  static void delete() throws Exception {
    TempDirs.delete(dir);
  }

  private ServerCommand parse(String... args) {
    ServerCommand cmd = new ServerCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void theFlagsBecomeTheServersCredentialWithItsOwnCnAllowed() {
    ServerCommand cmd = parse("--pd", "https://127.0.0.1:2379", "--ca", certs.caPath().toString(),
        "--cert", cdc.certPath().toString(), "--key", cdc.keyPath().toString(), "--cert-allowed-cn", "a, b");
    Credential c = cmd.settings().security();
    assertThat(c.isTlsEnabled()).isTrue();
    assertThat(c.certAllowedCn()).containsExactly("a", "b", "cdc-server");
    assertThat(c.withoutAllowedCn().certAllowedCn()).isEmpty();
  }

  @Test
  void withoutFlagsTheServerIsPlainText() {
    assertThat(parse().settings().security()).isEqualTo(Credential.NONE);
  }

  @Test
  void pdUrlsMustMatchTheTlsSettings() {
    assertThatThrownBy(() -> parse("--pd", "http://127.0.0.1:2379", "--ca", certs.caPath().toString(),
        "--cert", cdc.certPath().toString(), "--key", cdc.keyPath().toString()).settings())
        .hasMessage("[CDC:ErrInvalidServerOption]invalid server option: PD endpoint scheme should be https");
    assertThatThrownBy(() -> parse("--pd", "https://127.0.0.1:2379").settings())
        .hasMessage("[CDC:ErrInvalidServerOption]invalid server option: PD endpoint scheme is https, please provide "
            + "certificate");
    // A bare host:port (accepted before TLS existed) takes the scheme the settings imply.
    assertThat(ServerSecurity.of("", "", "", "", List.of("127.0.0.1:2379"))).isEqualTo(Credential.NONE);
  }

  @Test
  void unusableFilesAreRefused() {
    assertThatThrownBy(() -> parse("--pd", "https://127.0.0.1:2379", "--ca", "/nonexistent/ca.pem",
        "--cert", cdc.certPath().toString(), "--key", cdc.keyPath().toString()).settings())
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("generate tls config failed: could not read ca certificate: open /nonexistent/ca.pem: "
            + "no such file or directory");
  }

  @Test
  void cdcStreamsReachesEtcdWithTheSameFlags() throws Exception {
    StreamsCommand cmd = new StreamsCommand();
    new CommandLine(cmd).parseArgs("--ca", certs.caPath().toString(), "--cert", cdc.certPath().toString(),
        "--key", cdc.keyPath().toString());
    assertThat(cmd.settings().security().isTlsEnabled()).isTrue();
    StreamsCommand plain = new StreamsCommand();
    new CommandLine(plain).parseArgs();
    assertThat(plain.settings().security()).isEqualTo(Credential.NONE);
    assertThat(new CommandLine(new StreamsCommand()).execute("--ca", "/nonexistent/ca.pem",
        "--cert", cdc.certPath().toString(), "--key", cdc.keyPath().toString())).isEqualTo(1);
  }
}
