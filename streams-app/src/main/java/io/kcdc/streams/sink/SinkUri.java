package io.kcdc.streams.sink;

import static io.kcdc.common.errors.CdcError.*;

import io.kcdc.common.sink.GoUrlQuery;
import io.kcdc.common.sink.SinkUriSecrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A parsed changefeed sink URI: {@code kafka://host1:9092,host2:9092/topic?protocol=canal-json&partition-num=3…} or
 * {@code blackhole://}. Parsing checks scheme, protocol and the numeric/boolean parameters the way TiCDC does
 * (docs/kafka-sink.md#sink-uri-parameters) and fails with a {@link SinkConfigException}.
 */
public record SinkUri(String scheme, List<String> brokers, String topic, Map<String, String> params) {

  /** Protocols TiCDC accepts for MQ sinks ({@code default} = open-protocol, {@code flat-avro} = avro). */
  public static final Set<String> MQ_PROTOCOLS = Set.of(
      "canal-json", "open-protocol", "default", "avro", "flat-avro", "canal", "maxwell", "craft", "debezium", "simple");

  public static SinkUri parse(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new SinkConfigException(SINK_URI_INVALID,
          "sink uri invalid 'sink_uri is empty, cannot create a changefeed without sink_uri'");
    }
    if (uri.trim().toLowerCase(Locale.ROOT).startsWith("blackhole:")) {
      return new SinkUri("blackhole", List.of(), "", Map.of()); // java.net.URI rejects the empty authority
    }
    URI u;
    try {
      u = new URI(uri.trim());
    } catch (URISyntaxException e) {
      // the message quotes the input: never with its password
      throw new SinkConfigException(SINK_URI_INVALID, "sink uri invalid '" + SinkUriSecrets.maskText(e.getMessage()) + "'");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    Map<String, String> params = GoUrlQuery.firstValues(u.getRawQuery());
    switch (scheme) {
      case "blackhole":
        return new SinkUri(scheme, List.of(), "", params);
      case "kafka":
      case "kafka+ssl":
        return kafka(scheme, u, params);
      default:
        throw new SinkConfigException(SINK_URI_INVALID, "the sink scheme (" + scheme + ") is not supported");
    }
  }

  private static SinkUri kafka(String scheme, URI u, Map<String, String> params) {
    String authority = u.getRawAuthority();
    if (authority == null || authority.isBlank()) {
      throw new SinkConfigException(SINK_URI_INVALID,
          "sink uri invalid 'no broker address in " + SinkUriSecrets.maskText(u.toString()) + "'");
    }
    List<String> brokers = Arrays.stream(authority.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    String path = u.getPath() == null ? "" : u.getPath();
    String topic = path.startsWith("/") ? path.substring(1) : path;
    if (topic.isEmpty()) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "no topic is specified in sink-uri");
    }
    if (!topic.matches("[A-Za-z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "invalid topic name '" + topic + "' in sink-uri");
    }
    SinkUri sink = new SinkUri(scheme, brokers, topic, params);
    String protocol = params.getOrDefault("protocol", "");
    if (!MQ_PROTOCOLS.contains(protocol)) {
      throw new SinkConfigException(SINK_UNKNOWN_PROTOCOL, "unknown '" + protocol + "' message protocol for sink");
    }
    sink.partitionNum();
    sink.replicationFactor();
    sink.maxMessageBytes();
    sink.bool("enable-tidb-extension");
    sink.bool("only-output-updated-columns");
    sink.bool("content-compatible");
    sink.bool("auto-create-topic");
    sink.bool("avro-enable-watermark");
    sink.integer("max-batch-size");
    sink.integer("max-retry");
    sink.integer("required-acks");
    sink.bool("enable-tls");
    sink.bool("insecure-skip-verify");
    sink.bool("sasl-gssapi-disable-pafxfast");
    return sink;
  }

  /** The parsed URI without its secrets: a record's default would print the SASL password. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>(params);
    shown.replaceAll((k, v) -> SinkUriSecrets.PARAMS.contains(k) ? SinkUriSecrets.MASK : v);
    return "SinkUri[scheme=" + scheme + ", brokers=" + brokers + ", topic=" + topic + ", params=" + shown + "]";
  }

  public boolean isBlackhole() {
    return scheme.equals("blackhole");
  }

  public boolean isKafka() {
    return scheme.startsWith("kafka");
  }

  /** Normalised protocol name: {@code default} → {@code open-protocol}, {@code flat-avro} → {@code avro}. */
  public Optional<String> protocol() {
    String p = params.get("protocol");
    if (p == null || p.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(switch (p) {
      case "default" -> "open-protocol";
      case "flat-avro" -> "avro";
      default -> p;
    });
  }

  /** An integer parameter, empty when absent. */
  public OptionalInt integer(String name) {
    String v = params.get(name);
    if (v == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "invalid " + name + " '" + v + "' in sink-uri", e);
    }
  }

  public OptionalInt partitionNum() {
    return positiveInt("partition-num");
  }

  public OptionalInt replicationFactor() {
    return positiveInt("replication-factor");
  }

  public OptionalInt maxMessageBytes() {
    return positiveInt("max-message-bytes");
  }

  /** A boolean parameter in Go's {@code strconv.ParseBool} syntax, empty when absent. */
  public Optional<Boolean> bool(String name) {
    String v = params.get(name);
    if (v == null) {
      return Optional.empty();
    }
    return switch (v) {
      case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
      default -> throw new SinkConfigException(KAFKA_INVALID_CONFIG, "invalid " + name + " '" + v + "' in sink-uri");
    };
  }

  private OptionalInt positiveInt(String name) {
    String v = params.get(name);
    if (v == null) {
      return OptionalInt.empty();
    }
    try {
      int n = Integer.parseInt(v);
      if (n <= 0) {
        throw new SinkConfigException(KAFKA_INVALID_CONFIG, "invalid " + name + " " + v + ", must be greater than 0");
      }
      return OptionalInt.of(n);
    } catch (NumberFormatException e) {
      throw new SinkConfigException(KAFKA_INVALID_CONFIG, "invalid " + name + " '" + v + "' in sink-uri", e);
    }
  }
}
