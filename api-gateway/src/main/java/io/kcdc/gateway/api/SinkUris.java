package io.kcdc.gateway.api;

import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.sink.GoUrlQuery;
import io.kcdc.common.sink.SinkUriSecrets;
import io.kcdc.gateway.model.ReplicaConfigs;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sink URI rules of the control plane: masking secrets for responses and scheme checks. */
public final class SinkUris {
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");
  private static final Set<String> SCHEMES = Set.of(
      "kafka", "kafka+ssl", "pulsar", "pulsar+ssl", "pulsar+http", "pulsar+https",
      "mysql", "mysql+ssl", "tidb", "tidb+ssl", "blackhole",
      "file", "s3", "gcs", "gs", "azblob", "azure", "noop");
  private static final Set<String> MQ_PROTOCOLS = Set.of(
      "canal-json", "open-protocol", "avro", "canal", "maxwell", "craft", "simple", "debezium");
  private static final Set<String> STORAGE_PROTOCOLS = Set.of("csv", "canal-json");

  private SinkUris() {}

  /** The {@code protocol} query parameter of a sink URI. */
  public static Optional<String> queryProtocol(String sinkUri) {
    int q = sinkUri.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    int hash = sinkUri.indexOf('#', q);
    return Optional.ofNullable(
        GoUrlQuery.firstValues(sinkUri.substring(q + 1, hash < 0 ? sinkUri.length() : hash)).get("protocol"));
  }

  /**
   * The protocol a changefeed writes: the sink URI's {@code protocol} parameter when it has one (it wins over the
   * replica config's {@code sink.protocol}, as in TiCDC's {@code SinkConfig.applyParameterBySinkURI}, pkg/config/sink.go;
   * docs/kafka-sink.md#protocol), else the config's.
   */
  public static Optional<String> protocol(String sinkUri, ReplicaConfig config) {
    return queryProtocol(sinkUri).filter(p -> !p.isEmpty())
        .or(() -> Optional.ofNullable(config.sink() == null ? null : config.sink().protocol()).filter(p -> !p.isEmpty()));
  }

  /** The sink URI with the replica config's protocol added when the URI has none, for the data path to parse. */
  public static String withProtocol(String sinkUri, ReplicaConfig config) {
    if (queryProtocol(sinkUri).filter(p -> !p.isEmpty()).isPresent()) {
      return sinkUri;
    }
    return protocol(sinkUri, config).map(p -> {
      int hash = sinkUri.indexOf('#');
      String base = hash < 0 ? sinkUri : sinkUri.substring(0, hash);
      String fragment = hash < 0 ? "" : sinkUri.substring(hash);
      String sep = base.indexOf('?') < 0 ? "?" : (base.endsWith("?") || base.endsWith("&") ? "" : "&");
      return base + sep + "protocol=" + java.net.URLEncoder.encode(p, java.nio.charset.StandardCharsets.UTF_8)
          + fragment;
    }).orElse(sinkUri);
  }

  /**
   * The checks the API does on a sink URI before the data path's own validation: parseable,
   * supported scheme, protocol matching the scheme, sync point and BDR only with database sinks.
   */
  public static void validate(String sinkUri, ReplicaConfig config) {
    Matcher m = SCHEME.matcher(sinkUri);
    if (!m.find() || sinkUri.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw CdcError.SINK_URI_INVALID.gen(sinkUri);
    }
    String scheme = m.group(1).toLowerCase();
    if (!SCHEMES.contains(scheme)) {
      throw CdcError.SINK_URI_INVALID.withMessage("the sink scheme (%s) is not supported", scheme);
    }
    Optional<String> protocol = protocol(sinkUri, config);
    boolean db = ReplicaConfigs.isMysqlScheme(scheme);
    if (db && protocol.isPresent()) {
      throw CdcError.SINK_URI_INVALID.withMessage(
          "protocol %s is incompatible with %s scheme", protocol.get(), scheme);
    }
    if (!db && Boolean.TRUE.equals(config.enableSyncPoint())) {
      throw CdcError.SINK_URI_INVALID.withMessage(
          "sink uri scheme is not supported with syncpoint enabled sink uri: %s", SinkUriSecrets.mask(sinkUri));
    }
    if (!db && Boolean.TRUE.equals(config.bdrMode())) {
      throw CdcError.SINK_URI_INVALID.withMessage(
          "sink uri scheme is not supported in BDR mode sink uri: %s", SinkUriSecrets.mask(sinkUri));
    }
    if (ReplicaConfigs.isMqScheme(scheme)
        && (protocol.isEmpty() || !MQ_PROTOCOLS.contains(protocol.get()))) {
      throw CdcError.SINK_UNKNOWN_PROTOCOL.gen(protocol.orElse(""));
    }
    if (ReplicaConfigs.isStorageScheme(scheme)
        && (protocol.isEmpty() || !STORAGE_PROTOCOLS.contains(protocol.get()))) {
      throw CdcError.SINK_UNKNOWN_PROTOCOL.gen(protocol.orElse(""));
    }
  }
}
