package io.kcdc.streams;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.progress.CheckpointEmitter;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkConfigException;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.sink.TopicManager;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.testkit.ServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's security options against real brokers: the app runs on a plaintext cluster, the sink is a second cluster
 * with a SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256) or a TLS listener that requires client certificates (CA
 * and certificates made by keytool). Rows reach the sink through the task producers and the watermark through the
 * owner's emitter with the right credentials; a wrong password or CA stops the app with a clear error.
 */
class SinkSecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The SASL broker's PLAIN users (its listener's JAAS config); the admin is also the broker's own login. */
  private static final String PLAIN_USER = "plain-user1";
  private static final String PLAIN_PASSWORD = "plain-user1-secret";
  private static final String ADMIN_USER = "plain-admin";
  private static final String ADMIN_PASSWORD = "plain-admin-secret";
  private static final String SCRAM_USER = "scram-cdc";
  private static final String SCRAM_PASSWORD = "scram \"cdc\" secret";
  @RegisterExtension static final ServerExtension<Kafka> APP = ServerExtension.kafka();
  private static Kafka sasl;
  private static Kafka tls;
  private static TestCertificates certs;

  @TempDir static Path dir;

  @BeforeAll
  static void startClusters() throws Exception {
    String plainLogin = "username=\"" + ADMIN_USER + "\" password=\"" + ADMIN_PASSWORD + "\"";
    sasl = Kafka.builder()
        .brokerProperties(Map.of("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256", "sasl.mechanism.inter.broker.protocol", "PLAIN",
            "listener.name.plaintext.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required " + plainLogin + " user_" + ADMIN_USER + "=\"" + ADMIN_PASSWORD + "\" user_" + PLAIN_USER
                + "=\"" + PLAIN_PASSWORD + "\";",
            "listener.name.plaintext.scram-sha-256.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"))
        .clientProperty("security.protocol", "SASL_PLAINTEXT").clientProperty("sasl.mechanism", "PLAIN")
        .clientProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + plainLogin + ";")
        .build().start();
    try (Admin admin = Admin.create(sasl.adminConfig(Map.of()))) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SCRAM_USER,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), SCRAM_PASSWORD))).all().get();
    }
    // the broker learns the credential from the metadata log
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !clusterId("kafka://"
        + sasl.bootstrapServers() + "/t?protocol=canal-json&sasl-mechanism=SCRAM-SHA-256&sasl-user=" + SCRAM_USER
        + "&sasl-password=scram%20%22cdc%22%20secret").isEmpty());
    certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
    String store = certs.brokerStore.toString();
    // the broker's certificate names localhost only, so the broker is reached as localhost; its own
    // store serves as key and trust store, for the broker and for the kit's readiness check
    Map<String, String> stores = Map.of("ssl.keystore.type", "PKCS12", "ssl.keystore.location", store,
        "ssl.keystore.password", TestCertificates.PASSWORD, "ssl.key.password", TestCertificates.PASSWORD,
        "ssl.truststore.type", "PKCS12", "ssl.truststore.location", store,
        "ssl.truststore.password", TestCertificates.PASSWORD);
    Kafka.Builder b = Kafka.builder().host("localhost").brokerProperties(stores)
        .brokerProperty("listener.security.protocol.map", "PLAINTEXT:SSL,CONTROLLER:PLAINTEXT")
        .brokerProperty("ssl.client.auth", "required").clientProperty("security.protocol", "SSL");
    stores.forEach(b::clientProperty);
    tls = b.build().start();
  }

  @AfterAll
  static void stopClusters() {
    for (Kafka k : new Kafka[] {sasl, tls}) {
      if (k != null) {
        k.close();
      }
    }
  }

  @Test
  void saslPlain() throws Exception {
    rowsAndWatermarkArrive("cf-plain", "kafka://" + sasl.bootstrapServers() + "/cdc-plain?",
        "&sasl-mechanism=PLAIN&sasl-user=" + PLAIN_USER + "&sasl-password=" + PLAIN_PASSWORD, saslReader());
  }

  @Test
  void saslScramSha256() throws Exception {
    rowsAndWatermarkArrive("cf-scram", "kafka://" + sasl.bootstrapServers() + "/cdc-scram?",
        "&sasl-mechanism=SCRAM-SHA-256&sasl-user=" + SCRAM_USER + "&sasl-password=scram%20%22cdc%22%20secret",
        saslReader());
  }

  @Test
  void aWrongPasswordStopsTheAppWithAClearError() throws Exception {
    for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256")) {
      String cf = "cf-wrong-" + mechanism.toLowerCase();
      SinkUri uri = SinkUri.parse("kafka://" + sasl.bootstrapServers() + "/cdc-wrong?protocol=canal-json&enable-tidb-extension=true"
          + "&sasl-mechanism=" + mechanism + "&sasl-user=" + SCRAM_USER + "&sasl-password=NotThePassword42");
      createRowsTopic(cf);
      try (ChangefeedStreams streams = new ChangefeedStreams(config(cf, uri))) {
        assertThatThrownBy(streams::start).isInstanceOf(SinkConfigException.class)
            .hasMessageStartingWith("[CDC:ErrKafkaNewProducer]cannot describe the Kafka cluster: "
                + "SaslAuthenticationException: Authentication failed")
            .hasMessageEndingWith(mechanism.equals("PLAIN") ? "Invalid username or password"
                : "invalid credentials with SASL mechanism SCRAM-SHA-256")
            .hasMessageNotContaining("NotThePassword42");
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.CREATED);
      }
      // the owner's watermark is not dropped either: writing it fails
      try (CheckpointEmitter emitter = new CheckpointEmitter(options(uri), "cdc-owner", Map.of())) {
        assertThatThrownBy(() -> emitter.emit(20, List.of())).hasMessageContaining("Authentication failed")
            .hasMessageNotContaining("NotThePassword42");
      }
    }
  }

  @Test
  void tlsWithTheKafkaSslScheme() throws Exception {
    rowsAndWatermarkArrive("cf-tls", "kafka+ssl://" + tls.bootstrapServers() + "/cdc-tls?",
        "&ca=" + certs.caPem + "&cert=" + certs.clientCertPem + "&key=" + certs.clientKeyPem, tlsReader());
  }

  @Test
  void tlsWithEnableTlsAndTheHostNameCheck() {
    String tail = "/cdc-tls2?protocol=canal-json&enable-tls=true&ca=" + certs.caPem + "&cert=" + certs.clientCertPem
        + "&key=" + certs.clientKeyPem;
    assertThat(clusterId("kafka://" + tls.bootstrapServers() + tail)).isNotBlank();
    // the broker's certificate names localhost only
    String byIp = "kafka://" + tls.bootstrapServers().replace("localhost", "127.0.0.1") + tail;
    assertThatThrownBy(() -> clusterId(byIp)).isInstanceOf(SinkConfigException.class)
        .hasMessageStartingWith("[CDC:ErrKafkaNewProducer]cannot describe the Kafka cluster: "
            + "SslAuthenticationException: SSL handshake failed")
        .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found");
    assertThat(clusterId(byIp + "&insecure-skip-verify=true")).isNotBlank();
  }

  @Test
  void aWrongCaStopsTheAppWithAClearError() throws Exception {
    String cf = "cf-wrong-ca";
    createRowsTopic(cf);
    SinkUri uri = SinkUri.parse("kafka+ssl://" + tls.bootstrapServers() + "/cdc-wrong-ca?protocol=canal-json&ca="
        + certs.otherCaPem + "&cert=" + certs.clientCertPem + "&key=" + certs.clientKeyPem);
    try (ChangefeedStreams streams = new ChangefeedStreams(config(cf, uri))) {
      assertThatThrownBy(streams::start).isInstanceOf(SinkConfigException.class)
          .hasMessageStartingWith("[CDC:ErrKafkaNewProducer]cannot describe the Kafka cluster: "
              + "SslAuthenticationException: SSL handshake failed")
          .hasMessageContaining("unable to find valid certification path to requested target");
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.CREATED);
    }
    // the client certificate is used: without one the broker refuses the handshake
    assertThatThrownBy(() -> clusterId("kafka+ssl://" + tls.bootstrapServers() + "/t?protocol=canal-json&ca="
        + certs.caPem)).isInstanceOf(SinkConfigException.class).hasMessageContaining("SslAuthenticationException");
  }

  /**
   * Starts a changefeed whose sink is {@code uriPrefix + protocol + security}, writes one row, waits for it on the
   * sink, then writes the owner's watermark and waits for that.
   */
  private void rowsAndWatermarkArrive(String cf, String uriPrefix, String security, Map<String, Object> reader)
      throws Exception {
    SinkUri uri = SinkUri.parse(uriPrefix + "protocol=canal-json&enable-tidb-extension=true&partition-num=1"
        + "&replication-factor=1" + security);
    String topic = uri.topic();
    createRowsTopic(cf);
    ChangefeedStreams.Config config = config(cf, uri);
    try (ChangefeedStreams streams = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = appProducer();
        PartitionReader out = PartitionReader.open(reader, topic, 0)) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
      String rows = config.internalTopic();
      producer.send(new ProducerRecord<>(rows, 0, null, barrier(Long.MAX_VALUE)));
      producer.send(new ProducerRecord<>(rows, tableKey(1), encode(testT(1, 1))));
      producer.send(new ProducerRecord<>(rows, tableKey(1), encode(insert(1, 5, 10, 7))));
      producer.send(new ProducerRecord<>(rows, tableKey(1), resolved(1, 20)));
      producer.flush();

      List<JsonNode> seen = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        out.poll(Duration.ofMillis(200)).forEach(r -> seen.add(json(r)));
        return !seen.isEmpty();
      });
      assertThat(seen.get(0).get("type").asText()).isEqualTo("INSERT");
      assertThat(seen.get(0).get("data").get(0).get("id").asText()).isEqualTo("7");

      try (CheckpointEmitter emitter = new CheckpointEmitter(options(uri),
          config.sinkClientId(options(uri)) + "_owner", Map.of())) {
        assertThat(emitter.emit(20, List.of(topic))).isEqualTo(1);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        out.poll(Duration.ofMillis(200)).forEach(r -> seen.add(json(r)));
        return seen.size() >= 2;
      });
      assertThat(seen).hasSize(2);
      assertThat(seen.get(1).get("type").asText()).isEqualTo("TIDB_WATERMARK");
      assertThat(streams.error()).isEmpty();
    }
    // the rows went to the other cluster, not to the app's
    try (Admin admin = Admin.create(APP.get().adminConfig(Map.of()))) {
      assertThat(admin.listTopics().names().get()).doesNotContain(topic);
    }
  }

  private static KafkaSinkOptions options(SinkUri uri) {
    return KafkaSinkOptions.of(uri, SinkConfig.empty());
  }

  private static String clusterId(String uri) {
    KafkaSinkOptions o = options(SinkUri.parse(uri));
    try (TopicManager topics = new TopicManager(o, o.client().adminProperties("cdc-test"))) {
      return topics.clusterId();
    }
  }

  /** A reader of the SASL cluster: the sink options' own client properties, as the test kit's admin user. */
  private static Map<String, Object> saslReader() {
    return reader(options(SinkUri.parse("kafka://" + sasl.bootstrapServers() + "/t?protocol=canal-json"
        + "&sasl-mechanism=PLAIN&sasl-user=" + ADMIN_USER + "&sasl-password=" + ADMIN_PASSWORD)));
  }

  private static Map<String, Object> tlsReader() {
    return reader(options(SinkUri.parse("kafka+ssl://" + tls.bootstrapServers() + "/t?protocol=canal-json&ca="
        + certs.caPem + "&cert=" + certs.clientCertPem + "&key=" + certs.clientKeyPem)));
  }

  private static Map<String, Object> reader(KafkaSinkOptions o) {
    return o.client().adminProperties(null);
  }

  private static ChangefeedStreams.Config config(String cf, SinkUri uri) {
    return ChangefeedStreams.Config.of(APP.get().bootstrapServers(), "default", cf, dir.resolve(cf), uri, SinkConfig.empty())
        .withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));
  }

  private static void createRowsTopic(String cf) throws Exception {
    APP.get().createTopic("_cdc." + cf + ".rows", 1);
  }

  private static KafkaProducer<byte[], byte[]> appProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, APP.get().bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
    try {
      return JSON.readTree(r.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
