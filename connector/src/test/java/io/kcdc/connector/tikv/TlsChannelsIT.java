package io.kcdc.connector.tikv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.security.Credential;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.testkit.TempDirs;
import io.kcdc.testkit.TestCertificates;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector's PD and TiKV channels against an embedded cluster that serves TLS and requires
 * client certificates (docs/security.md): the right credential works for PD and TiKV, anything
 * else is refused.
 */
class TlsChannelsIT {
  private static final Backoff SHORT = new Backoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(500),
      Duration.ofSeconds(2));
  private static Path dir;
  private static TestCertificates certs;
  private static TestCertificates.Issued client;
  private static EmbeddedCluster cluster;

  @BeforeAll
  static void start() {
    dir = TempDirs.create("tls-channels");
    certs = TestCertificates.create(dir, "cluster-ca");
    TestCertificates.Issued server = certs.issue("tikv-server");
    client = certs.issue("cdc-client");
    cluster = EmbeddedCluster.builder().stores(2).tls(credential(server)).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    TempDirs.delete(dir);
  }

  private static Credential credential(TestCertificates.Issued who, String... allowedCn) {
    return new Credential(certs.caPath().toString(), who.certPath().toString(), who.keyPath().toString(),
        List.of(allowedCn));
  }

  @Test
  void theClusterCredentialReachesPdAndEveryTikvStore() {
    try (ChannelPool channels = new ChannelPool(credential(client, "tikv-server"));
        PdClient pd = new PdClient(List.of("https://" + cluster.pdAddress()), channels, Backoff.DEFAULT)) {
      assertThat(pd.clusterId()).isEqualTo(cluster.clusterId());
      // The schema lives in TiKV: loading it reads regions led by the stores, over TLS.
      long ts = pd.currentTs();
      assertThat(new SchemaLoader(new KvClient(new RegionCache(pd), channels, Backoff.DEFAULT)).load(ts))
          .isNotNull();
      assertThat(cluster.stores()).hasSize(2);
    }
  }

  @Test
  void aPlainTextClientIsRefused() {
    try (ChannelPool plain = new ChannelPool()) {
      assertThatThrownBy(() -> new PdClient(List.of(cluster.pdAddress()), plain, SHORT).close())
          .isInstanceOf(TikvException.class);
    }
  }

  @Test
  void aClientCertificateOfAnotherCaIsRefused() {
    TestCertificates other = TestCertificates.create(dir.resolve("other"), "other-ca");
    TestCertificates.Issued stranger = other.issue("stranger");
    // It trusts the cluster's CA (so the server is fine) but presents a certificate the cluster does not trust.
    Credential c = new Credential(certs.caPath().toString(), stranger.certPath().toString(),
        stranger.keyPath().toString(), List.of());
    try (ChannelPool channels = new ChannelPool(c)) {
      assertThatThrownBy(() -> new PdClient(List.of(cluster.pdAddress()), channels, SHORT).close())
          .isInstanceOf(TikvException.class);
    }
  }

  @Test
  void aServerCertificateWithoutAnAllowedCnIsRefused() {
    try (ChannelPool channels = new ChannelPool(credential(client, "pd-elsewhere"))) {
      assertThatThrownBy(() -> new PdClient(List.of(cluster.pdAddress()), channels, SHORT).close())
          .isInstanceOf(TikvException.class)
          .hasStackTraceContaining("The Common Name from the client certificate [tikv-server] was not found in the "
              + "configuration cluster-verify-cn with value: [pd-elsewhere]");
    }
  }
}
