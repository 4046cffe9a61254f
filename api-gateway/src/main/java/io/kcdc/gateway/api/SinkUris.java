package io.kcdc.gateway.api;

import io.kcdc.common.errors.CdcError;
import io.kcdc.gateway.model.ReplicaConfig;
import io.kcdc.gateway.model.ReplicaConfigs;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sink URI rules of the control plane: masking secrets for responses and scheme checks. */
public final class SinkUris {
  private static final String MASK = "xxxxx";
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");
  private static final Set<String> SCHEMES = Set.of(
      "kafka", "kafka+ssl", "pulsar", "pulsar+ssl", "pulsar+http", "pulsar+https",
      "mysql", "mysql+ssl", "tidb", "tidb+ssl", "blackhole",
      "file", "s3", "gcs", "gs", "azblob", "azure", "noop");
  private static final Set<String> MQ_PROTOCOLS = Set.of(
      "canal-json", "open-protocol", "avro", "canal", "maxwell", "craft", "simple", "debezium");
  private static final Set<String> STORAGE_PROTOCOLS = Set.of("csv", "canal-json");

  private SinkUris() {}

  /**
   * TiCDC's {@code MaskSinkURI}: the userinfo password becomes {@code xxxxx} (Go's
   * {@code url.Redacted}); a {@code sasl-password} query parameter too, with the query re-encoded
   * with sorted keys as Go's {@code url.Values.Encode}.
   */
  public static String mask(String sinkUri) {
    if (sinkUri == null || sinkUri.isEmpty()) {
      return sinkUri;
    }
    String uri = sinkUri;
    int q = uri.indexOf('?');
    if (q >= 0) {
      Map<String, List<String>> query = parseQuery(uri.substring(q + 1));
      if (query.containsKey("sasl-password")) {
        query.put("sasl-password", List.of(MASK));
        uri = uri.substring(0, q + 1) + encodeQuery(query);
      }
    }
    int schemeEnd = uri.indexOf("://");
    if (schemeEnd > 0) {
      int authStart = schemeEnd + 3;
      int authEnd = authStart;
      while (authEnd < uri.length() && "/?#".indexOf(uri.charAt(authEnd)) < 0) {
        authEnd++;
      }
      int at = uri.lastIndexOf('@', authEnd - 1);
      if (at >= authStart) {
        int colon = uri.indexOf(':', authStart);
        if (colon >= 0 && colon < at) {
          uri = uri.substring(0, colon + 1) + MASK + uri.substring(at);
        }
      }
    }
    return uri;
  }

  private static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = decode(eq < 0 ? part : part.substring(0, eq));
      String v = eq < 0 ? "" : decode(part.substring(eq + 1));
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** Go's {@code url.Values.Encode}: keys sorted, {@code QueryEscape}d. */
  private static String encodeQuery(Map<String, List<String>> query) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      for (String v : e.getValue()) {
        if (b.length() > 0) {
          b.append('&');
        }
        b.append(queryEscape(e.getKey())).append('=').append(queryEscape(v));
      }
    }
    return b.toString();
  }

  private static String queryEscape(String s) {
    // URLEncoder escapes '~' and keeps '*', Go's QueryEscape does the opposite.
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  /** The {@code protocol} query parameter of a sink URI. */
  public static Optional<String> queryProtocol(String sinkUri) {
    int q = sinkUri.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    int hash = sinkUri.indexOf('#', q);
    List<String> p = parseQuery(sinkUri.substring(q + 1, hash < 0 ? sinkUri.length() : hash)).get("protocol");
    return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p.get(0));
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
    Optional<String> protocol = Optional.ofNullable(config.sink() == null ? null : config.sink().protocol())
        .filter(p -> !p.isEmpty())
        .or(() -> queryProtocol(sinkUri));
    boolean db = ReplicaConfigs.isMysqlScheme(scheme);
    if (db && protocol.isPresent()) {
      throw CdcError.SINK_URI_INVALID.withMessage(
          "protocol %s is incompatible with %s scheme", protocol.get(), scheme);
    }
    if (!db && Boolean.TRUE.equals(config.enableSyncPoint())) {
      throw CdcError.SINK_URI_INVALID.withMessage(
          "sink uri scheme is not supported with syncpoint enabled sink uri: %s", mask(sinkUri));
    }
    if (!db && Boolean.TRUE.equals(config.bdrMode())) {
      throw CdcError.SINK_URI_INVALID.withMessage(
          "sink uri scheme is not supported in BDR mode sink uri: %s", mask(sinkUri));
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
