package io.kcdc.streams.sink;

import static io.kcdc.common.errors.CdcError.KAFKA_INVALID_CLIENT_ID;
import static io.kcdc.common.errors.CdcError.KAFKA_INVALID_CONFIG;
import static io.kcdc.common.errors.CdcError.KAFKA_INVALID_REQUIRED_ACKS;

import io.kcdc.common.GoDuration;
import io.kcdc.common.config.ReplicaConfig.KafkaConfig;
import io.kcdc.common.sink.SinkUriSecrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How the sink's Kafka clients reach and write to the sink cluster: TiCDC's {@code kafka.Options} network, security
 * and producer settings (docs/kafka-sink.md#sink-uri-parameters), sink URI parameters over {@code sink.kafka_config}
 * over TiCDC's defaults, mapped to the Kafka client properties a Kafka user would set for the same intent.
 *
 * <ul>
 *   <li>TLS ({@code enable-tls}, {@code ca}/{@code cert}/{@code key}, or the {@code kafka+ssl} scheme) →
 *       {@code security.protocol=SSL} (with SASL {@code SASL_SSL}); the PEM files are read when the client
 *       properties are built and passed as {@code ssl.truststore.type=PEM} / {@code ssl.keystore.type=PEM} contents.
 *       Without {@code ca} the JVM's default trust store is used.
 *   <li>{@code insecure-skip-verify=true} → {@code ssl.endpoint.identification.algorithm=} (no host name check).
 *       Unlike Go's {@code InsecureSkipVerify}, the certificate chain is still verified: Java would need a trust-all
 *       trust manager for that, which we do not ship; give the broker's CA with {@code ca} instead.
 *   <li>SASL PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512 → {@code sasl.mechanism} + a {@code PlainLoginModule} /
 *       {@code ScramLoginModule} JAAS config; GSSAPI with {@code sasl-gssapi-auth-type=keytab} → a
 *       {@code Krb5LoginModule} keytab login and {@code sasl.kerberos.service.name}. GSSAPI password login and
 *       OAUTHBEARER are refused ({@code CDC:ErrKafkaInvalidConfig}).
 *   <li>{@code required-acks} -1/1/0 → {@code acks} all/1/0, {@code max-retry} → {@code retries},
 *       {@code compression} → {@code compression.type}, {@code kafka-client-id} → {@code client.id}.
 *   <li>{@code dial-timeout} → {@code socket.connection.setup.timeout(.max).ms}; {@code write-timeout} +
 *       {@code read-timeout} (Sarama's per-request socket deadlines) → {@code request.timeout.ms}; the producer's
 *       {@code delivery.timeout.ms} allows every retry its request timeout.
 * </ul>
 *
 * <p>Secrets (the SASL password, the key) are {@link Password}s in the properties, so Kafka's config logging and a
 * printed map show {@code [hidden]}; {@link #toString()} masks the password too.
 *
 * @param kafkaClientId {@code kafka-client-id}, or null for TiCDC's default (see {@link #clientId(String, String, String)})
 * @param requiredAcks -1, 1 or 0
 * @param tls null when the connection is not encrypted
 * @param sasl null without SASL
 */
public record KafkaClientOptions(
    List<String> brokers,
    String kafkaClientId,
    int requiredAcks,
    int maxRetry,
    String compression,
    Duration dialTimeout,
    Duration writeTimeout,
    Duration readTimeout,
    Tls tls,
    Sasl sasl) {

  public static final int DEFAULT_MAX_RETRY = 5;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");
  /** Headroom over {@code max-message-bytes} for a record's batch framing in a produce request. */
  static final int REQUEST_OVERHEAD = 128;

  private static final Pattern VALID_CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern INVALID_CLIENT_ID_CHARS = Pattern.compile("[?:,\"]");
  private static final String JVM_KRB5_CONF = "java.security.krb5.conf";
  private static final String DEFAULT_KRB5_CONF = "/etc/krb5.conf";

  /**
   * TLS settings: PEM file paths as the sink names them.
   *
   * @param ca the CA certificates to trust, or null for the JVM's default trust store
   * @param cert the client certificate (chain) for mutual TLS, or null
   * @param key the client certificate's private key (PKCS#8, or PKCS#1 RSA), or null
   */
  public record Tls(String ca, String cert, String key, boolean insecureSkipVerify) {}

  /**
   * SASL settings; {@link #toString()} hides the password.
   *
   * @param mechanism PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or GSSAPI
   * @param gssapi the Kerberos keytab login, GSSAPI only
   */
  public record Sasl(String mechanism, String user, String password, Gssapi gssapi) {
    @Override
    public String toString() {
      return "Sasl[mechanism=" + mechanism + ", user=" + user + ", password="
          + (password == null ? null : SinkUriSecrets.MASK) + ", gssapi=" + gssapi + "]";
    }
  }

  /** A GSSAPI keytab login: {@code <user>@<realm>} with the keytab, to the brokers' Kerberos service name. */
  public record Gssapi(String keytabPath, String kerberosConfigPath, String serviceName, String user, String realm) {
    String principal() {
      return user.contains("@") ? user : user + "@" + realm;
    }
  }

  /** Reads and checks the options from the sink URI and {@code kafka_config}; no file is read yet. */
  public static KafkaClientOptions of(SinkUri uri, KafkaConfig kc) {
    String clientId = string(uri, "kafka-client-id", kc.kafkaClientId());
    if (clientId != null) {
      requireValidClientId(clientId);
    }
    int acks = uri.integer("required-acks").orElse(kc.requiredAcks() != null ? kc.requiredAcks() : -1);
    if (acks != -1 && acks != 0 && acks != 1) {
      throw new SinkConfigException(KAFKA_INVALID_REQUIRED_ACKS, "invalid required acks " + acks
          + ", only support these values: 0(NoResponse),1(WaitForLocal) and -1(WaitForAll)");
    }
    int maxRetry = uri.integer("max-retry").orElse(DEFAULT_MAX_RETRY);
    if (maxRetry < 0) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "invalid max-retry " + maxRetry + ", must not be negative");
    }
    String compressionText = string(uri, "compression", kc.compression());
    String compression = compressionText == null ? "none" : compressionText.trim().toLowerCase(Locale.ROOT);
    if (!COMPRESSIONS.contains(compression)) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "unsupported compression '" + compressionText
          + "', use one of none, gzip, snappy, lz4, zstd");
    }
    return new KafkaClientOptions(uri.brokers(), clientId, acks, maxRetry, compression,
        duration(uri, "dial-timeout", kc.dialTimeout()), duration(uri, "write-timeout", kc.writeTimeout()),
        duration(uri, "read-timeout", kc.readTimeout()), tls(uri, kc), sasl(uri, kc));
  }

  /** TiCDC's {@code applyTLS}: credential files imply TLS; {@code enable-tls=false} with them is an error. */
  private static Tls tls(SinkUri uri, KafkaConfig kc) {
    String ca = string(uri, "ca", kc.ca());
    String cert = string(uri, "cert", kc.cert());
    String key = string(uri, "key", kc.key());
    if ((cert != null || key != null) && ca == null) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "ca, cert and key files should all be supplied");
    }
    if ((cert == null) != (key == null)) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "cert and key files should be supplied together");
    }
    Boolean enable = uri.bool("enable-tls").orElse(kc.enableTls());
    boolean sslScheme = uri.scheme().equals("kafka+ssl");
    if (Boolean.FALSE.equals(enable) && ca != null) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG,
          "credential files are supplied, but 'enable-tls' is set to false");
    }
    if (Boolean.FALSE.equals(enable) && sslScheme) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "the kafka+ssl scheme needs TLS, but 'enable-tls' is set "
          + "to false");
    }
    boolean on = enable != null ? enable : ca != null || sslScheme;
    if (!on) {
      return null; // insecure-skip-verify only applies to TLS, as in TiCDC
    }
    return new Tls(ca, cert, key, uri.bool("insecure-skip-verify").orElse(Boolean.TRUE.equals(kc.insecureSkipVerify())));
  }

  /** TiCDC's {@code applySASL}: without a mechanism there is no SASL (a user and password alone do nothing). */
  private static Sasl sasl(SinkUri uri, KafkaConfig kc) {
    String text = string(uri, "sasl-mechanism", kc.saslMechanism());
    if (text == null) {
      return null;
    }
    String mechanism = switch (text.toLowerCase(Locale.ROOT)) {
      case "plain" -> "PLAIN";
      case "scram-sha-256" -> "SCRAM-SHA-256";
      case "scram-sha-512" -> "SCRAM-SHA-512";
      case "gssapi" -> "GSSAPI";
      case "oauthbearer" -> throw new SinkConfigException(KAFKA_INVALID_CONFIG, "SASL mechanism OAUTHBEARER is not "
          + "supported by this Kafka sink: it needs an OAuth token endpoint client; use PLAIN, SCRAM-SHA-256, "
          + "SCRAM-SHA-512 or GSSAPI");
      default -> throw new SinkConfigException(KAFKA_INVALID_CONFIG, "unknown " + text + " SASL mechanism");
    };
    String user = string(uri, "sasl-user", kc.saslUser());
    String password = string(uri, "sasl-password", kc.saslPassword());
    if (mechanism.equals("GSSAPI")) {
      return new Sasl(mechanism, null, null, gssapi(uri, kc));
    }
    if (user == null) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "sasl-user must not be empty with SASL mechanism "
          + mechanism);
    }
    if (password == null) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "sasl-password must not be empty with SASL mechanism "
          + mechanism);
    }
    return new Sasl(mechanism, user, password, null);
  }

  private static Gssapi gssapi(SinkUri uri, KafkaConfig kc) {
    String authType = string(uri, "sasl-gssapi-auth-type", kc.saslGssapiAuthType());
    if (authType == null || authType.equalsIgnoreCase("user")) {
      // Kafka's Java client cannot hand a password to Krb5LoginModule
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "SASL mechanism GSSAPI needs sasl-gssapi-auth-type=keytab: "
          + "Kerberos password login (auth type user) is not supported by this Kafka sink");
    }
    if (!authType.equalsIgnoreCase("keytab")) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "unknown " + authType + " auth type");
    }
    Gssapi g = new Gssapi(string(uri, "sasl-gssapi-keytab-path", kc.saslGssapiKeytabPath()),
        string(uri, "sasl-gssapi-kerberos-config-path", kc.saslGssapiKerberosConfigPath()),
        string(uri, "sasl-gssapi-service-name", kc.saslGssapiServiceName()),
        string(uri, "sasl-gssapi-user", kc.saslGssapiUser()), string(uri, "sasl-gssapi-realm", kc.saslGssapiRealm()));
    require(g.keytabPath(), "sasl-gssapi-keytab-path");
    require(g.serviceName(), "sasl-gssapi-service-name");
    require(g.user(), "sasl-gssapi-user");
    if (!g.user().contains("@")) {
      require(g.realm(), "sasl-gssapi-realm");
    }
    return g;
  }

  private static void require(String value, String name) {
    if (value == null) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, name + " must not be empty with SASL mechanism GSSAPI");
    }
  }

  /** A URI parameter, else the {@code kafka_config} value; empty means unset. */
  private static String string(SinkUri uri, String name, String fromConfig) {
    String v = uri.params().get(name);
    if (v == null || v.isEmpty()) {
      v = fromConfig;
    }
    return v == null || v.isEmpty() ? null : v;
  }

  private static Duration duration(SinkUri uri, String name, String fromConfig) {
    String v = string(uri, name, fromConfig);
    if (v == null) {
      return DEFAULT_TIMEOUT;
    }
    long ns;
    try {
      ns = GoDuration.parse(v);
    } catch (IllegalArgumentException e) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, e.getMessage());
    }
    if (ns <= 0) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "invalid " + name + " '" + v + "', must be positive");
    }
    return Duration.ofNanos(ns);
  }

  private static void requireValidClientId(String id) {
    if (!VALID_CLIENT_ID.matcher(id).matches()) {
      throw new SinkConfigException(KAFKA_INVALID_CLIENT_ID, "invalid kafka client ID '" + id + "'");
    }
  }

  /**
   * The {@code client.id} of the sink's clients: {@code kafka-client-id}, else TiCDC's
   * {@code TiCDC_producer_<capture address>_<namespace>_<changefeed>} with {@code ?:,"} replaced by {@code _}.
   *
   * @throws SinkConfigException {@code CDC:ErrKafkaInvalidClientID} when the default holds other characters than
   *     {@code [A-Za-z0-9._-]} (as in TiCDC, e.g. an IPv6 capture address)
   */
  public String clientId(String captureAddress, String namespace, String changefeedId) {
    if (kafkaClientId != null) {
      return kafkaClientId;
    }
    String id = INVALID_CLIENT_ID_CHARS.matcher("TiCDC_producer_" + nullToEmpty(captureAddress) + "_"
        + nullToEmpty(namespace) + "_" + nullToEmpty(changefeedId)).replaceAll("_");
    requireValidClientId(id);
    return id;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}. */
  public SecurityProtocol securityProtocol() {
    if (tls != null) {
      return sasl != null ? SecurityProtocol.SASL_SSL : SecurityProtocol.SSL;
    }
    return sasl != null ? SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.PLAINTEXT;
  }

  /** Sarama waits up to the write timeout to send a request and up to the read timeout for its response. */
  int requestTimeoutMs() {
    return saturatedInt(writeTimeout.toMillis() + readTimeout.toMillis());
  }

  /**
   * Properties of a producer writing to the sink.
   *
   * @param clientId the {@code client.id}, or null for Kafka's own
   * @param maxMessageBytes {@code max-message-bytes}: {@code max.request.size} takes any record the encoders let
   *     through (never below Kafka's default)
   * @throws SinkConfigException {@code CDC:ErrKafkaInvalidConfig} when a TLS file cannot be read or GSSAPI's
   *     Kerberos config is not the JVM's
   */
  public Map<String, Object> producerProperties(String clientId, int maxMessageBytes) {
    Map<String, Object> p = commonProperties(clientId);
    p.put(ProducerConfig.ACKS_CONFIG, requiredAcks == -1 ? "all" : Integer.toString(requiredAcks));
    // Idempotence needs acks=all and retries. Without it the broker cannot drop a retried batch it already has, so a
    // retry may write rows twice, and one request in flight keeps each partition in order. acks=1 also loses rows the
    // leader acknowledged but had not replicated when it failed; acks=0 loses anything the broker did not take,
    // unnoticed (no response, so no retry): that is what required-acks 1 and 0 trade for latency.
    boolean idempotent = requiredAcks == -1 && maxRetry > 0;
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent);
    if (!idempotent) {
      p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    }
    p.put(ProducerConfig.RETRIES_CONFIG, maxRetry);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    // each attempt may take the request timeout; the second covers linger and retry backoffs
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, saturatedInt((long) requestTimeoutMs() * (maxRetry + 1) + 1_000));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(maxMessageBytes + REQUEST_OVERHEAD, 1 << 20));
    return p;
  }

  /** Properties of an admin client of the sink cluster (topics, cluster id); see {@link #producerProperties}. */
  public Map<String, Object> adminProperties(String clientId) {
    Map<String, Object> p = commonProperties(clientId);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(60_000, requestTimeoutMs()));
    return p;
  }

  private Map<String, Object> commonProperties(String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", brokers));
    if (clientId != null) {
      p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    }
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol().name);
    long dial = Math.max(1, dialTimeout.toMillis());
    p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, dial);
    p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, dial);
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs());
    if (tls != null) {
      if (tls.insecureSkipVerify()) {
        p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
      }
      if (tls.ca() != null) {
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, new Password(Pem.certificates("ca", tls.ca())));
      }
      if (tls.cert() != null) {
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, new Password(Pem.certificates("cert", tls.cert())));
        p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password(Pem.privateKey(tls.key())));
      }
    }
    if (sasl != null) {
      p.put(SaslConfigs.SASL_MECHANISM, sasl.mechanism());
      p.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaasConfig()));
      if (sasl.gssapi() != null) {
        p.put(SaslConfigs.SASL_KERBEROS_SERVICE_NAME, sasl.gssapi().serviceName());
      }
    }
    return p;
  }

  private String jaasConfig() {
    return switch (sasl.mechanism()) {
      case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule required username="
          + jaasQuote(sasl.user()) + " password=" + jaasQuote(sasl.password()) + ";";
      case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=" + jaasQuote(sasl.user()) + " password=" + jaasQuote(sasl.password()) + ";";
      case "GSSAPI" -> {
        requireJvmKerberosConfig(sasl.gssapi().kerberosConfigPath());
        yield "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="
            + jaasQuote(sasl.gssapi().keytabPath()) + " principal=" + jaasQuote(sasl.gssapi().principal()) + ";";
      }
      default -> throw new IllegalStateException("unexpected SASL mechanism " + sasl.mechanism());
    };
  }

  /** The JVM reads one krb5.conf per process: a different one per changefeed cannot be honoured. */
  private static void requireJvmKerberosConfig(String path) {
    if (path == null) {
      return;
    }
    String jvm = System.getProperty(JVM_KRB5_CONF, DEFAULT_KRB5_CONF);
    if (!Path.of(jvm).toAbsolutePath().normalize().equals(Path.of(path).toAbsolutePath().normalize())) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "sasl-gssapi-kerberos-config-path " + path + " is not the "
          + "Kerberos config of this process (" + jvm + "); start the capture with -D" + JVM_KRB5_CONF + "=" + path);
    }
  }

  /** A JAAS option value: Kafka's JAAS parser reads Java-style escapes inside double quotes. */
  static String jaasQuote(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
  }

  private static int saturatedInt(long v) {
    return (int) Math.min(Integer.MAX_VALUE, v);
  }
}
