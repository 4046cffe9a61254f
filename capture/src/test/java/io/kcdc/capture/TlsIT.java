package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kcdc.common.security.Credential;
import io.kcdc.gateway.etcd.EtcdClients;
import io.kcdc.gateway.etcd.EtcdKeys;
import io.kcdc.testkit.Etcd;
import io.kcdc.testkit.FreePorts;
import io.kcdc.testkit.Http;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.testkit.TempDirs;
import io.kcdc.testkit.TestCertificates;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.sql.SqlSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A capture started as {@code cdc server --ca --cert --key --cert-allowed-cn} against an upstream
 * (PD and TiKV) and an etcd that serve only TLS and require client certificates (docs/security.md):
 * rows reach the sink; the API is HTTPS and checks the caller's CN; a create request's own PDs
 * and credential are verified with TiCDC's errors.
 */
class TlsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path dir;
  private static TestCertificates certs;
  private static TestCertificates.Issued cdcServer;
  private static TestCertificates.Issued apiClient;
  private static Etcd etcd;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;
  private static CaptureServer capture;
  private static Credential security;
  private static Http api;
  private static int apiPort;

  @BeforeAll
  static void start() throws Exception {
    dir = TempDirs.create("tls");
    certs = TestCertificates.create(dir.resolve("certs"), "cluster-ca");
    TestCertificates.Issued tidb = certs.issue("tidb-server");
    TestCertificates.Issued etcdServer = certs.issue("etcd-server");
    cdcServer = certs.issue("cdc-server");
    apiClient = certs.issue("cdc-client");
    etcd = Etcd.builder().dataDir(dir.resolve("etcd")).tls(certs.caPath(), etcdServer).build().start();
    kafka = Kafka.builder().dataDir(dir.resolve("kafka")).build().start();
    upstream = EmbeddedUpstream.builder().pdPort(0).mysqlPort(0).resolvedTsInterval(Duration.ofMillis(200))
        .tls(credentialOf(tidb)).build().start();
    apiPort = FreePorts.pick();
    // What ServerCommand builds from --ca/--cert/--key/--cert-allowed-cn.
    security = ServerSecurity.of(certs.caPath().toString(), cdcServer.certPath().toString(),
        cdcServer.keyPath().toString(), "cdc-client", List.of("https://" + upstream.pdAddress()));
    capture = CaptureServer.start(new CaptureServer.Settings(
        "default", "127.0.0.1:" + apiPort, null, List.of("https://" + upstream.pdAddress()),
        List.of(etcd.clientUrl()), kafka.bootstrapServers(), dir.resolve("capture"), "127.0.0.1", FreePorts.pick(),
        (short) 1, 2, 1).withSecurity(security));
    api = Http.to("https://127.0.0.1:" + apiPort).withSslContext(apiClient.sslContext());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {capture, upstream, kafka, etcd}) {
      if (c != null) {
        c.close();
      }
    }
    TempDirs.delete(dir);
  }

  private static Credential credentialOf(TestCertificates.Issued who, String... allowedCn) {
    return new Credential(certs.caPath().toString(), who.certPath().toString(), who.keyPath().toString(),
        List.of(allowedCn));
  }

  private static long tso() throws Exception {
    JsonNode t = ok(api.post("/api/v2/tso", "{}"));
    return (t.path("timestamp").asLong() << 18) | t.path("logic_time").asLong();
  }

  private static JsonNode ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void rowsAreReplicatedOverTlsToPdTikvAndEtcd() throws Exception {
    try (SqlSession s = upstream.openSession()) {
      s.execute("CREATE DATABASE secure");
      s.execute("CREATE TABLE secure.t (id INT PRIMARY KEY, v VARCHAR(20))");
      long startTs = tso();
      s.execute("INSERT INTO secure.t VALUES (1, 'before')");
      ok(api.post("/api/v2/changefeeds", """
          {"changefeed_id":"secure","start_ts":%d,
           "sink_uri":"kafka://%s/tls-sink?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["secure.*"]}}}""".formatted(startTs, kafka.bootstrapServers())));
      s.execute("INSERT INTO secure.t VALUES (2, 'after')");
      s.execute("UPDATE secure.t SET v = 'changed' WHERE id = 1");
      long endTs = tso();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        JsonNode cf = ok(api.get("/api/v2/changefeeds/secure"));
        assertThat(cf.path("state").asText()).isEqualTo("normal");
        assertThat(Long.parseUnsignedLong(cf.path("checkpoint_ts").asText())).isGreaterThanOrEqualTo(endTs);
      });
      List<String> changes = PartitionReader.readAll(kafka.bootstrapServers(), "tls-sink", 0).stream()
          .map(TlsIT::json)
          .filter(e -> List.of("INSERT", "UPDATE").contains(e.path("type").asText()))
          .map(e -> e.path("type").asText() + " " + e.path("data").get(0).path("id").asText() + " "
              + e.path("data").get(0).path("v").asText())
          .toList();
      assertThat(changes).containsExactly("INSERT 1 before", "INSERT 2 after", "UPDATE 1 changed");
    }
    // The upstream key holds how the server reaches its upstream: https PDs and its own paths.
    JsonNode up = upstreamKey("default");
    assertThat(up.path("pd-endpoints").asText()).isEqualTo("https://" + upstream.pdAddress());
    assertThat(up.path("ca-path").asText()).isEqualTo(certs.caPath().toString());
    assertThat(up.path("cert-path").asText()).isEqualTo(cdcServer.certPath().toString());
  }

  @Test
  void theApiIsHttpsAndChecksTheCallersCommonName() throws Exception {
    assertThatThrownBy(() -> Http.loopback(apiPort).withTimeout(Duration.ofSeconds(5)).get("/api/v2/status"))
        .isInstanceOf(IOException.class);
    TestCertificates.Issued intruder = certs.issue("intruder");
    Http wrongCn = Http.to("https://127.0.0.1:" + apiPort).withSslContext(intruder.sslContext());
    assertThatThrownBy(() -> wrongCn.get("/api/v2/status")).isInstanceOf(IOException.class);
    // The capture's own certificate is allowed too (TiCDC adds its CN), as other captures forward with it.
    Http peer = Http.to("https://127.0.0.1:" + apiPort).withSslContext(cdcServer.sslContext());
    assertThat(peer.get("/api/v2/status").status()).isEqualTo(200);
  }

  @Test
  void theCliCallsTheServerOverHttpsWithItsTlsFlags() {
    String server = "https://127.0.0.1:" + apiPort;
    assertThat(new picocli.CommandLine(new CdcMain()).execute("cli", "--server", server,
        "--ca", certs.caPath().toString(), "--cert", apiClient.certPath().toString(),
        "--key", apiClient.keyPath().toString(), "tso")).isZero();
    // Without a client certificate the server's handshake refuses the call.
    assertThat(new picocli.CommandLine(new CdcMain()).execute("cli", "--server", server, "tso")).isNotZero();
  }

  @Test
  void aPlainTextClientIsRefusedByTheTlsUpstream() {
    assertThatThrownBy(() -> new io.kcdc.capture.runtime.PdUpstreamClient(List.of(upstream.pdAddress())).close())
        .hasMessageContaining("connect to PD");
  }

  @Test
  void createWithPdAddrsVerifiesThoseCredentialsWithTiCdcsErrors() throws Exception {
    String pd = "https://" + upstream.pdAddress();
    String unreadable = create("bad-ca", pd, "/nonexistent/ca.pem", cdcServer, List.of());
    Http.Response r = api.post("/api/v2/changefeeds", unreadable);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().path("error_code").asText()).isEqualTo("CDC:ErrAPIGetPDClientFailed");
    assertThat(r.json().path("error_msg").asText()).isEqualTo(
        "[CDC:ErrAPIGetPDClientFailed]failed to get PDClient to connect PD, please recheck: "
            + "[CDC:ErrToTLSConfigFailed]generate tls config failed: could not read ca certificate: "
            + "open /nonexistent/ca.pem: no such file or directory");

    r = api.post("/api/v2/changefeeds", create("bad-cn", pd, certs.caPath().toString(), cdcServer,
        List.of("not-tidb")));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().path("error_code").asText()).isEqualTo("CDC:ErrAPIGetPDClientFailed");
    assertThat(r.json().path("error_msg").asText())
        .startsWith("[CDC:ErrAPIGetPDClientFailed]failed to get PDClient to connect PD, please recheck: "
            + "[CDC:ErrAPIGetPDClientFailed]failed to get PDClient to connect PD, please recheck: ")
        .contains("The Common Name from the client certificate [tidb-server] was not found in the configuration "
            + "cluster-verify-cn with value: [not-tidb]");
    assertThat(ok(api.get("/api/v2/changefeeds")).path("items").toString()).doesNotContain("bad-");

    // The right credential: accepted, and its paths are what the upstream key holds (a namespace of its
    // own: the first changefeed of a namespace writes the key).
    TestCertificates.Issued other = certs.issue("cdc-other");
    ok(api.post("/api/v2/changefeeds", create("good-cn", pd, certs.caPath().toString(), other,
        List.of("tidb-server")).replace("{\"changefeed_id\"", "{\"namespace\":\"other\",\"changefeed_id\"")));
    JsonNode up = upstreamKey("other");
    assertThat(up.path("pd-endpoints").asText()).isEqualTo(pd);
    assertThat(up.path("cert-path").asText()).isEqualTo(other.certPath().toString());
    assertThat(up.path("key-path").asText()).isEqualTo(other.keyPath().toString());
    assertThat(up.path("cert-allowed-cn").toString()).isEqualTo("[\"tidb-server\"]");
  }

  @Test
  void otherRoutesWithPdAddrsReachThosePdsWithTheRequestsCredential() throws Exception {
    String pd = "https://" + upstream.pdAddress();
    String good = """
        {"pd_addrs":["%s"],"ca_path":"%s","cert_path":"%s","key_path":"%s"}""".formatted(
        pd, certs.caPath(), cdcServer.certPath(), cdcServer.keyPath());
    assertThat(ok(api.post("/api/v2/tso", good)).path("timestamp").asLong()).isPositive();
    // tso wraps getPDClient's failure in ErrInternalServerError (TiCDC's withUpstreamConfig).
    Http.Response r = api.post("/api/v2/tso", good.replace(certs.caPath().toString(), "/nonexistent/ca.pem"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().path("error_msg").asText()).isEqualTo(
        "[CDC:ErrInternalServerError]internal server error: [CDC:ErrToTLSConfigFailed]generate tls config failed: "
            + "could not read ca certificate: open /nonexistent/ca.pem: no such file or directory");
    // synced reports a PD it cannot reach in its answer (TiCDC's case 1), here an unreadable CA.
    ok(api.post("/api/v2/changefeeds", """
        {"changefeed_id":"synced-tls","sink_uri":"kafka://%s/tls-synced?protocol=canal-json",
         "replica_config":{"filter":{"rules":["secure.*"]}}}""".formatted(kafka.bootstrapServers())));
    JsonNode synced = ok(api.get("/api/v2/changefeeds/synced-tls/synced"));
    assertThat(synced.path("info").asText()).doesNotContain("ErrToTLSConfigFailed");
    synced = ok(api.send("GET", "/api/v2/changefeeds/synced-tls/synced",
        good.replace(certs.caPath().toString(), "/nonexistent/ca.pem")));
    assertThat(synced.path("synced").asBoolean()).isFalse();
    assertThat(synced.path("info").asText()).startsWith("[CDC:ErrToTLSConfigFailed]generate tls config failed: "
        + "could not read ca certificate: open /nonexistent/ca.pem: no such file or directory. ");
    // Plain text to a TLS PD: it cannot be reached.
    r = api.post("/api/v2/tso", "{\"pd_addrs\":[\"" + upstream.pdAddress() + "\"]}");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().path("error_msg").asText())
        .startsWith("[CDC:ErrInternalServerError]internal server error: [CDC:ErrAPIGetPDClientFailed]");
  }

  private String create(String id, String pd, String caPath, TestCertificates.Issued cert, List<String> cns)
      throws Exception {
    return """
        {"changefeed_id":"%s","sink_uri":"kafka://%s/tls-%s?protocol=canal-json","pd_addrs":["%s"],
         "ca_path":"%s","cert_path":"%s","key_path":"%s","cert_allowed_cn":%s,
         "replica_config":{"filter":{"rules":["secure.*"]}}}""".formatted(id, kafka.bootstrapServers(), id, pd,
        caPath, cert.certPath(), cert.keyPath(), JSON.writeValueAsString(cns));
  }

  private static JsonNode upstreamKey(String namespace) throws Exception {
    try (Client c = EtcdClients.connect(List.of(etcd.clientUrl()), security)) {
      String key = new EtcdKeys("default").upstream(namespace, upstream.cluster().clusterId());
      var kvs = c.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
      assertThat(kvs).hasSize(1);
      return JSON.readTree(kvs.get(0).getValue().getBytes());
    }
  }

  private static JsonNode json(ConsumerRecord<byte[], byte[]> rec) {
    try {
      return JSON.readTree(rec.value());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
