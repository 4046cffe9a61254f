package io.kcdc.streams.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.common.sink.SinkUriSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink URI and {@code kafka_config} → Kafka client properties mapping, and every refusal. */
class KafkaClientOptionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "kafka://b1:9092,b2:9092/t?protocol=canal-json";
  private static final String CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n-----END CERTIFICATE-----";

  @TempDir static Path dir;

  private static KafkaSinkOptions options(String params) {
    return KafkaSinkOptions.of(SinkUri.parse(BASE + params), SinkConfig.empty());
  }

  private static KafkaSinkOptions options(String uri, String kafkaConfigJson) throws Exception {
    return KafkaSinkOptions.of(SinkUri.parse(uri),
        JSON.readValue("{\"kafka_config\":" + kafkaConfigJson + "}", SinkConfig.class));
  }

  private static Map<String, Object> producer(KafkaSinkOptions o) {
    Map<String, Object> p = o.producerProperties("cdc-1");
    // Kafka's own validation of every value and of acks/idempotence/retries together
    Map<String, Object> checked = new HashMap<>(p);
    checked.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    checked.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    new ProducerConfig(checked);
    return p;
  }

  private static Map<String, Object> admin(KafkaSinkOptions o) {
    Map<String, Object> p = o.client().adminProperties("cdc-1");
    new AdminClientConfig(p);
    return p;
  }

  private static void rejects(String params, String code, String message) {
    assertThatThrownBy(() -> producer(options(params))).isInstanceOf(SinkConfigException.class)
        .satisfies(e -> assertThat(((SinkConfigException) e).code()).isEqualTo(code))
        .hasMessage("[" + code + "]" + message);
  }

  private static String jaas(Map<String, Object> p) {
    return ((Password) p.get(SaslConfigs.SASL_JAAS_CONFIG)).value();
  }

  private static Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void defaultsAreTiCdcs() {
    Map<String, Object> p = producer(options(""));
    assertThat(p).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "b1:9092,b2:9092")
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "cdc-1")
        .containsEntry("security.protocol", "PLAINTEXT")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.RETRIES_CONFIG, 5)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
        .containsEntry(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 10_000L)
        .containsEntry(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 10_000L)
        .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000)
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 6 * 20_000 + 1_000)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 10485760 + 128)
        .doesNotContainKeys(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, SaslConfigs.SASL_MECHANISM,
            SaslConfigs.SASL_JAAS_CONFIG, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
            SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
    assertThat(options("").client().producerProperties(null, 10)).doesNotContainKey(ProducerConfig.CLIENT_ID_CONFIG)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1 << 20);

    Map<String, Object> a = admin(options(""));
    assertThat(a).containsEntry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "b1:9092,b2:9092")
        .containsEntry(AdminClientConfig.CLIENT_ID_CONFIG, "cdc-1")
        .containsEntry(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
        .containsEntry(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000)
        .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000)
        .doesNotContainKeys(ProducerConfig.ACKS_CONFIG, ProducerConfig.COMPRESSION_TYPE_CONFIG);
  }

  @Test
  void producerOptionsFromTheUri() {
    Map<String, Object> p = producer(options("&required-acks=1&max-retry=2&compression=ZSTD&kafka-client-id=my.cdc-1"
        + "&dial-timeout=3s&write-timeout=1m&read-timeout=500ms"));
    assertThat(p).containsEntry(ProducerConfig.ACKS_CONFIG, "1")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)
        .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1)
        .containsEntry(ProducerConfig.RETRIES_CONFIG, 2)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
        .containsEntry(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 3_000L)
        .containsEntry(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 3_000L)
        .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_500)
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3 * 60_500 + 1_000);
    assertThat(admin(options("&read-timeout=2m"))).containsEntry(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 130_000)
        .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 130_000);
    assertThat(options("&kafka-client-id=my.cdc-1").client().clientId("h:8300", "ns", "cf")).isEqualTo("my.cdc-1");

    for (String c : new String[] {"none", "gzip", "snappy", "lz4", "zstd"}) {
      assertThat(producer(options("&compression=" + c))).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, c);
    }
    // acks=0: nothing to wait for, nothing to deduplicate
    assertThat(producer(options("&required-acks=0"))).containsEntry(ProducerConfig.ACKS_CONFIG, "0")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    // the idempotent producer needs retries: none means no idempotence, one request in flight keeps the order
    assertThat(producer(options("&required-acks=-1&max-retry=0"))).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)
        .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1)
        .containsEntry(ProducerConfig.RETRIES_CONFIG, 0);
  }

  @Test
  void kafkaConfigIsTheFallbackOfTheUri() throws Exception {
    String kc = "{\"compression\":\"lz4\",\"kafka_client_id\":\"from-config\",\"dial_timeout\":\"1s\","
        + "\"write_timeout\":\"2s\",\"read_timeout\":\"3s\",\"required_acks\":1,\"sasl_user\":\"u\","
        + "\"sasl_password\":\"p\",\"sasl_mechanism\":\"SCRAM-SHA-256\",\"enable_tls\":true,"
        + "\"insecure_skip_verify\":true}";
    Map<String, Object> fromConfig = producer(options(BASE, kc));
    assertThat(fromConfig).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "1")
        .containsEntry(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1_000L)
        .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256")
        .containsEntry(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
    assertThat(jaas(fromConfig)).isEqualTo(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
    assertThat(options(BASE, kc).client().kafkaClientId()).isEqualTo("from-config");

    Map<String, Object> uriWins = producer(options(BASE + "&compression=gzip&required-acks=-1&sasl-user=v"
        + "&sasl-password=q&sasl-mechanism=plain&enable-tls=false&kafka-client-id=from-uri", kc));
    assertThat(uriWins).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry(SaslConfigs.SASL_MECHANISM, "PLAIN")
        .doesNotContainKey(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
    assertThat(jaas(uriWins)).isEqualTo(
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"v\" password=\"q\";");
    assertThat(uriWins).containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "cdc-1");
  }

  @Test
  void tiCdcsDefaultClientId() {
    KafkaClientOptions c = options("").client();
    assertThat(c.kafkaClientId()).isNull();
    assertThat(c.clientId("10.0.0.1:8300", "default", "cf-1")).isEqualTo("TiCDC_producer_10.0.0.1_8300_default_cf-1");
    assertThat(c.clientId("a?b,c\"d", "ns", "cf")).isEqualTo("TiCDC_producer_a_b_c_d_ns_cf");
    assertThat(c.clientId(null, "default", "cf")).isEqualTo("TiCDC_producer__default_cf");
    // as in TiCDC, an address with other characters makes an invalid id
    assertThatThrownBy(() -> c.clientId("[::1]:8300", "default", "cf")).isInstanceOf(SinkConfigException.class)
        .hasMessage("[CDC:ErrKafkaInvalidClientID]invalid kafka client ID 'TiCDC_producer_[__1]_8300_default_cf'");
    rejects("&kafka-client-id=a%20b", "CDC:ErrKafkaInvalidClientID", "invalid kafka client ID 'a b'");
  }

  @Test
  void invalidProducerOptions() {
    rejects("&required-acks=2", "CDC:ErrKafkaInvalidRequiredAcks",
        "invalid required acks 2, only support these values: 0(NoResponse),1(WaitForLocal) and -1(WaitForAll)");
    rejects("&required-acks=all", "CDC:ErrKafkaInvalidConfig", "invalid required-acks 'all' in sink-uri");
    rejects("&max-retry=-1", "CDC:ErrKafkaInvalidConfig", "invalid max-retry -1, must not be negative");
    rejects("&max-retry=x", "CDC:ErrKafkaInvalidConfig", "invalid max-retry 'x' in sink-uri");
    rejects("&compression=brotli", "CDC:ErrKafkaInvalidConfig",
        "unsupported compression 'brotli', use one of none, gzip, snappy, lz4, zstd");
    rejects("&dial-timeout=10", "CDC:ErrKafkaInvalidConfig", "time: missing unit in duration \"10\"");
    rejects("&write-timeout=5x", "CDC:ErrKafkaInvalidConfig", "time: unknown unit \"x\" in duration \"5x\"");
    rejects("&read-timeout=0s", "CDC:ErrKafkaInvalidConfig", "invalid read-timeout '0s', must be positive");
    rejects("&dial-timeout=-1s", "CDC:ErrKafkaInvalidConfig", "invalid dial-timeout '-1s', must be positive");
    rejects("&enable-tls=yes", "CDC:ErrKafkaInvalidConfig", "invalid enable-tls 'yes' in sink-uri");
    rejects("&insecure-skip-verify=no", "CDC:ErrKafkaInvalidConfig", "invalid insecure-skip-verify 'no' in sink-uri");
  }

  @Test
  void saslMechanisms() {
    Map<String, Object> plain = producer(options("&sasl-mechanism=PLAIN&sasl-user=alice&sasl-password=s3cret"));
    assertThat(plain).containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry(SaslConfigs.SASL_MECHANISM, "PLAIN");
    assertThat(jaas(plain)).isEqualTo(
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"s3cret\";");
    Map<String, Object> scram = producer(options("&sasl-mechanism=scram-sha-512&sasl-user=alice&sasl-password=x"));
    assertThat(scram).containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
    assertThat(jaas(scram)).startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required ");
    assertThat(admin(options("&sasl-mechanism=SCRAM-SHA-256&sasl-user=a&sasl-password=b")))
        .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256").containsKey(SaslConfigs.SASL_JAAS_CONFIG);
    // as in TiCDC, a user and password without a mechanism do not enable SASL
    assertThat(producer(options("&sasl-user=a&sasl-password=b"))).containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKey(SaslConfigs.SASL_JAAS_CONFIG);
  }

  @Test
  void jaasValuesAreQuotedForKafkasParser() {
    String password = "p\"a\\ss w;o=rd\n}";
    Map<String, Object> p = producer(options("&sasl-mechanism=PLAIN&sasl-user=us%22er&sasl-password="
        + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)));
    Map<String, ?> jaasOptions = JaasContext.loadClientContext(p).configurationEntries().get(0).getOptions();
    assertThat(new HashMap<String, Object>(jaasOptions)).containsEntry("username", "us\"er").containsEntry("password", password);
  }

  @Test
  void gssapiWithAKeytab() {
    String krb5 = System.getProperty("java.security.krb5.conf", "/etc/krb5.conf");
    Map<String, Object> p = producer(options("&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=keytab"
        + "&sasl-gssapi-keytab-path=/etc/cdc.keytab&sasl-gssapi-kerberos-config-path=" + krb5
        + "&sasl-gssapi-service-name=kafka&sasl-gssapi-user=cdc&sasl-gssapi-realm=EXAMPLE.COM"
        + "&sasl-gssapi-disable-pafxfast=true"));
    assertThat(p).containsEntry(SaslConfigs.SASL_MECHANISM, "GSSAPI")
        .containsEntry(SaslConfigs.SASL_KERBEROS_SERVICE_NAME, "kafka")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
    assertThat(jaas(p)).isEqualTo("com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true"
        + " keyTab=\"/etc/cdc.keytab\" principal=\"cdc@EXAMPLE.COM\";");

    String keytab = "&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=keytab&sasl-gssapi-keytab-path=/k"
        + "&sasl-gssapi-service-name=kafka&sasl-gssapi-user=cdc@R";
    assertThat(jaas(producer(options(keytab)))).endsWith("principal=\"cdc@R\";");
    rejects(keytab + "&sasl-gssapi-kerberos-config-path=/nowhere/krb5.conf", "CDC:ErrKafkaInvalidConfig",
        "sasl-gssapi-kerberos-config-path /nowhere/krb5.conf is not the Kerberos config of this process (" + krb5
            + "); start the capture with -Djava.security.krb5.conf=/nowhere/krb5.conf");
    rejects("&sasl-mechanism=GSSAPI", "CDC:ErrKafkaInvalidConfig", "SASL mechanism GSSAPI needs "
        + "sasl-gssapi-auth-type=keytab: Kerberos password login (auth type user) is not supported by this Kafka sink");
    rejects("&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=USER&sasl-gssapi-user=u&sasl-gssapi-password=p",
        "CDC:ErrKafkaInvalidConfig", "SASL mechanism GSSAPI needs sasl-gssapi-auth-type=keytab: Kerberos password "
            + "login (auth type user) is not supported by this Kafka sink");
    rejects("&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=ticket", "CDC:ErrKafkaInvalidConfig",
        "unknown ticket auth type");
    rejects("&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=keytab", "CDC:ErrKafkaInvalidConfig",
        "sasl-gssapi-keytab-path must not be empty with SASL mechanism GSSAPI");
    rejects("&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=keytab&sasl-gssapi-keytab-path=/k",
        "CDC:ErrKafkaInvalidConfig", "sasl-gssapi-service-name must not be empty with SASL mechanism GSSAPI");
    rejects("&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=keytab&sasl-gssapi-keytab-path=/k"
        + "&sasl-gssapi-service-name=kafka", "CDC:ErrKafkaInvalidConfig",
        "sasl-gssapi-user must not be empty with SASL mechanism GSSAPI");
    rejects("&sasl-mechanism=GSSAPI&sasl-gssapi-auth-type=keytab&sasl-gssapi-keytab-path=/k"
        + "&sasl-gssapi-service-name=kafka&sasl-gssapi-user=cdc", "CDC:ErrKafkaInvalidConfig",
        "sasl-gssapi-realm must not be empty with SASL mechanism GSSAPI");
  }

  @Test
  void invalidSasl() {
    rejects("&sasl-mechanism=DIGEST-MD5", "CDC:ErrKafkaInvalidConfig", "unknown DIGEST-MD5 SASL mechanism");
    rejects("&sasl-mechanism=OAUTHBEARER", "CDC:ErrKafkaInvalidConfig", "SASL mechanism OAUTHBEARER is not supported"
        + " by this Kafka sink: it needs an OAuth token endpoint client; use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or"
        + " GSSAPI");
    rejects("&sasl-mechanism=PLAIN&sasl-password=x", "CDC:ErrKafkaInvalidConfig",
        "sasl-user must not be empty with SASL mechanism PLAIN");
    rejects("&sasl-mechanism=SCRAM-SHA-256&sasl-user=u", "CDC:ErrKafkaInvalidConfig",
        "sasl-password must not be empty with SASL mechanism SCRAM-SHA-256");
  }

  @Test
  void tlsWithTheSystemTrustStore() {
    assertThat(producer(KafkaSinkOptions.of(SinkUri.parse("kafka+ssl://b:9093/t?protocol=canal-json"),
        SinkConfig.empty()))).containsEntry("security.protocol", "SSL")
        .doesNotContainKeys(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
            SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
    assertThat(producer(options("&enable-tls=true&insecure-skip-verify=true"))).containsEntry("security.protocol", "SSL")
        .containsEntry(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
    // insecure-skip-verify only means something with TLS
    assertThat(producer(options("&insecure-skip-verify=true"))).containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKey(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
    assertThat(producer(options("&enable-tls=true&sasl-mechanism=PLAIN&sasl-user=u&sasl-password=p")))
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void tlsWithPemFiles() throws Exception {
    Path ca = write("ca.pem", "subject=CN=test-ca\n" + CERT_PEM + "\n");
    Path cert = write("cert.pem", CERT_PEM + "\n" + CERT_PEM + "\n");
    var keys = KeyPairGenerator.getInstance("RSA");
    keys.initialize(1024);
    byte[] pkcs8 = keys.generateKeyPair().getPrivate().getEncoded();
    Path key = write("key.pem", Pem.pkcs8Pem(pkcs8));

    Map<String, Object> caOnly = producer(options("&ca=" + ca));
    assertThat(caOnly).containsEntry("security.protocol", "SSL")
        .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM")
        .doesNotContainKeys(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
    assertThat(((Password) caOnly.get(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG)).value()).isEqualTo(CERT_PEM + "\n");

    Map<String, Object> mutual = producer(options("&ca=" + ca + "&cert=" + cert + "&key=" + key
        + "&insecure-skip-verify=true&enable-tls=true"));
    assertThat(mutual).containsEntry(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM")
        .containsEntry(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
    assertThat(((Password) mutual.get(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG)).value())
        .isEqualTo(CERT_PEM + "\n" + CERT_PEM + "\n");
    assertThat(((Password) mutual.get(SslConfigs.SSL_KEYSTORE_KEY_CONFIG)).value()).isEqualTo(Pem.pkcs8Pem(pkcs8));
    assertThat(admin(options("&ca=" + ca + "&cert=" + cert + "&key=" + key)))
        .containsKeys(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, SslConfigs.SSL_KEYSTORE_KEY_CONFIG);
    // the files are read when a client is made, so a changefeed can be checked where they do not exist
    assertThat(options("&ca=/nowhere/ca.pem").client().tls().ca()).isEqualTo("/nowhere/ca.pem");
  }

  @Test
  void aPkcs1RsaKeyBecomesPkcs8() throws Exception {
    var keys = KeyPairGenerator.getInstance("RSA");
    keys.initialize(1024);
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) keys.generateKeyPair().getPrivate();
    byte[] pkcs8 = key.getEncoded();
    // PrivateKeyInfo = SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey } }: the tail is PKCS#1
    int octets = 4 + 3 + 15;
    assertThat(pkcs8[octets]).isEqualTo((byte) 0x04);
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, octets + 2 + (pkcs8[octets + 1] & 0x7f), pkcs8.length);
    assertThat(Pem.rsaPkcs8(pkcs1)).isEqualTo(pkcs8);

    Path file = write("rsa.pem", "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");
    String pem = Pem.privateKey(file.toString());
    assertThat(pem).isEqualTo(Pem.pkcs8Pem(pkcs8));
    String body = pem.replaceAll("-----[A-Z ]+-----|\\s", "");
    assertThat(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body))))
        .isEqualTo(key);
  }

  @Test
  void invalidTls() throws Exception {
    Path ca = write("ca2.pem", CERT_PEM);
    Path noCert = write("empty.pem", "nothing here\n");
    Path ec = write("ec.pem", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
    Path enc = write("enc.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIC\n-----END ENCRYPTED PRIVATE KEY-----\n");
    Path legacyEnc = write("legacy.pem", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES\n\nMIIC\n"
        + "-----END RSA PRIVATE KEY-----\n");
    String code = "CDC:ErrKafkaInvalidConfig";
    rejects("&cert=" + ca + "&key=" + ca, code, "ca, cert and key files should all be supplied");
    rejects("&key=" + ca, code, "ca, cert and key files should all be supplied");
    rejects("&ca=" + ca + "&cert=" + ca, code, "cert and key files should be supplied together");
    rejects("&ca=" + ca + "&enable-tls=false", code, "credential files are supplied, but 'enable-tls' is set to false");
    assertThatThrownBy(() -> KafkaSinkOptions.of(SinkUri.parse("kafka+ssl://b:9093/t?protocol=canal-json&enable-tls=0"),
        SinkConfig.empty())).hasMessage("[" + code + "]the kafka+ssl scheme needs TLS, but 'enable-tls' is set to false");
    rejects("&ca=/nowhere/ca.pem", code,
        "cannot read the TLS ca file /nowhere/ca.pem: java.nio.file.NoSuchFileException: /nowhere/ca.pem");
    rejects("&ca=" + noCert, code, "the ca file " + noCert + " holds no PEM certificate");
    rejects("&ca=" + ca + "&cert=" + noCert + "&key=" + ec, code, "the cert file " + noCert + " holds no PEM certificate");
    rejects("&ca=" + ca + "&cert=" + ca + "&key=" + noCert, code, "the key file " + noCert + " holds no PEM private key");
    rejects("&ca=" + ca + "&cert=" + ca + "&key=" + ec, code, "the key file " + ec + " holds a SEC1 EC key; convert it "
        + "to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>)");
    rejects("&ca=" + ca + "&cert=" + ca + "&key=" + enc, code, "the key file " + enc + " is encrypted; the sink takes "
        + "unencrypted keys only");
    rejects("&ca=" + ca + "&cert=" + ca + "&key=" + legacyEnc, code, "the key file " + legacyEnc + " is encrypted; the"
        + " sink takes unencrypted keys only");
  }

  @Test
  void secretsStayOutOfStringsAndMessages() throws Exception {
    String uri = BASE + "&sasl-mechanism=PLAIN&sasl-user=alice&sasl-password=TopSecret1";
    KafkaSinkOptions o = KafkaSinkOptions.of(SinkUri.parse(uri),
        JSON.readValue("{\"kafka_config\":{\"sasl_password\":\"TopSecret2\"}}", SinkConfig.class));
    assertThat(SinkUri.parse(uri).toString()).doesNotContain("TopSecret").contains("sasl-password=xxxxx");
    assertThat(o.toString()).doesNotContain("TopSecret").contains("password=xxxxx");
    assertThat(JSON.readValue("{\"kafka_config\":{\"sasl_password\":\"TopSecret2\"}}", SinkConfig.class).toString())
        .doesNotContain("TopSecret").contains("saslPassword=xxxxx");
    assertThat(o.producerProperties("c").toString()).doesNotContain("TopSecret");
    assertThat(o.client().adminProperties("c").toString()).doesNotContain("TopSecret");

    assertThat(SinkUriSecrets.maskText("kafka://u:pw@k:9092/t?sasl-password=a%20b&protocol=x&sasl-gssapi-password=c"))
        .isEqualTo("kafka://u:xxxxx@k:9092/t?sasl-password=xxxxx&protocol=x&sasl-gssapi-password=xxxxx");
    // java.net.URI quotes the input in its messages
    assertThatThrownBy(() -> SinkUri.parse(BASE + "&sasl-password=Top Secret3")).isInstanceOf(SinkConfigException.class)
        .hasMessageStartingWith("[CDC:ErrSinkURIInvalid]sink uri invalid 'Illegal character in query")
        .hasMessageEndingWith("sasl-password=xxxxx'").hasNoCause();
    assertThatThrownBy(() -> SinkUri.parse(BASE + "&sasl-password=TopSecret4%zz&x=1"))
        .hasMessageStartingWith("[CDC:ErrSinkURIInvalid]sink uri invalid 'Malformed escape pair")
        .hasMessageEndingWith("sasl-password=xxxxx&x=1'").hasNoCause();
  }
}
