package io.kcdc.streams;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.streams.progress.CheckpointEmitter;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkConfig;
import io.kcdc.streams.sink.SinkConfigException;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.sink.TopicManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's security options against real brokers: the app runs on a plaintext cluster, the sink is a second cluster
 * with a SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256) or a TLS listener that requires client certificates (CA
 * and certificates made by keytool). Rows reach the sink through the task producers and the watermark through the
 * owner's emitter with the right credentials; a wrong password or CA stops the app with a clear error.
 */
class SinkSecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The test kit's PLAIN users (its JAAS file for the broker). */
  private static final String PLAIN_USER = "plain-user1";
  private static final String PLAIN_PASSWORD = "plain-user1-secret";
  private static final String ADMIN_USER = "plain-admin";
  private static final String ADMIN_PASSWORD = "plain-admin-secret";
  private static final String SCRAM_USER = "scram-cdc";
  private static final String SCRAM_PASSWORD = "scram \"cdc\" secret";
  private static KafkaClusterTestKit app;
  private static KafkaClusterTestKit sasl;
  private static KafkaClusterTestKit tls;
  private static TestCertificates certs;

  @TempDir static Path dir;

  @BeforeAll
  static void startClusters() throws Exception {
    app = TestKafka.start();
    sasl = start(new TestKitNodes.Builder().setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT),
        Map.of("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256", "allow.everyone.if.no.acl.found", "true"));
    try (Admin admin = sasl.admin()) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SCRAM_USER,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), SCRAM_PASSWORD))).all().get();
    }
    // the broker learns the credential from the metadata log
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !clusterId("kafka://"
        + sasl.bootstrapServers() + "/t?protocol=canal-json&sasl-mechanism=SCRAM-SHA-256&sasl-user=" + SCRAM_USER
        + "&sasl-password=scram%20%22cdc%22%20secret").isEmpty());
    certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
    String store = certs.brokerStore.toString();
    // the test kit only makes PLAINTEXT and SASL_PLAINTEXT listeners: its broker listener is turned into TLS here
    tls = start(new TestKitNodes.Builder(), Map.of("listener.security.protocol.map", "EXTERNAL:SSL,CONTROLLER:PLAINTEXT",
        "ssl.keystore.type", "PKCS12", "ssl.keystore.location", store,
        "ssl.keystore.password", TestCertificates.PASSWORD, "ssl.key.password", TestCertificates.PASSWORD,
        "ssl.truststore.type", "PKCS12", "ssl.truststore.location", store,
        "ssl.truststore.password", TestCertificates.PASSWORD, "ssl.client.auth", "required"));
  }

  private static KafkaClusterTestKit start(TestKitNodes.Builder nodes, Map<String, String> props) throws Exception {
    KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(
        nodes.setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0");
    props.forEach(b::setConfigProp);
    KafkaClusterTestKit cluster = b.build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return cluster;
  }

  @AfterAll
  static void stopClusters() throws Exception {
    for (KafkaClusterTestKit c : new KafkaClusterTestKit[] {app, sasl, tls}) {
      if (c != null) {
        c.close();
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
    TopicPartition sinkPartition = new TopicPartition(topic, 0);
    try (ChangefeedStreams streams = new ChangefeedStreams(config);
        KafkaProducer<byte[], byte[]> producer = appProducer();
        KafkaConsumer<byte[], byte[]> out = new KafkaConsumer<>(reader, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      streams.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
      String rows = config.internalTopic();
      producer.send(new ProducerRecord<>(rows, 0, null, barrier(Long.MAX_VALUE)));
      producer.send(new ProducerRecord<>(rows, tableKey(1), encode(testT(1, 1))));
      producer.send(new ProducerRecord<>(rows, tableKey(1), encode(insert(1, 5, 10, 7))));
      producer.send(new ProducerRecord<>(rows, tableKey(1), resolved(1, 20)));
      producer.flush();

      out.assign(List.of(sinkPartition));
      out.seekToBeginning(List.of(sinkPartition));
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
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
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
    Map<String, Object> p = new HashMap<>(o.client().adminProperties(null));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  private static ChangefeedStreams.Config config(String cf, SinkUri uri) {
    return ChangefeedStreams.Config.of(app.bootstrapServers(), "default", cf, dir.resolve(cf), uri, SinkConfig.empty())
        .withReplicationFactor((short) 1)
        .withOverrides(Map.of("commit.interval.ms", 100, "consumer.auto.offset.reset", "earliest"));
  }

  private static void createRowsTopic(String cf) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("_cdc." + cf + ".rows", 1, (short) 1))).all().get();
    }
  }

  private static KafkaProducer<byte[], byte[]> appProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.bootstrapServers());
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
