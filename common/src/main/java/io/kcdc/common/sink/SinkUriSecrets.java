package io.kcdc.common.sink;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The secrets of a sink URI and how they are masked, for API responses, messages and logs alike
 * (docs/kafka-sink.md#masking): the userinfo password and the SASL password parameters become
 * {@value #MASK}.
 */
public final class SinkUriSecrets {
  /** What a secret is replaced by (TiCDC's {@code MaskSinkURI}). */
  public static final String MASK = "xxxxx";
  /**
   * Query parameters that hold secrets. TiCDC v8.5.0 masks only {@code sasl-password}; the GSSAPI
   * password is a secret all the same, so it is masked too.
   */
  public static final Set<String> PARAMS = Set.of("sasl-password", "sasl-gssapi-password");

  private static final Pattern PARAM_IN_TEXT =
      Pattern.compile("(?i)([?&](?:" + String.join("|", PARAMS) + ")=)[^&#]*");
  private static final Pattern USERINFO_PASSWORD_IN_TEXT = Pattern.compile("(://[^/@:]*:)[^/@]*@");

  private SinkUriSecrets() {}

  /**
   * A sink URI as TiCDC's {@code MaskSinkURI} shows it: the userinfo password masked as Go's
   * {@code url.Redacted} does; when a secret parameter is present, its value masked and the query
   * re-encoded as Go's {@code url.Values.Encode} (sorted keys).
   */
  public static String mask(String sinkUri) {
    if (sinkUri == null || sinkUri.isEmpty()) {
      return sinkUri;
    }
    String uri = sinkUri;
    int q = uri.indexOf('?');
    if (q >= 0) {
      int hash = uri.indexOf('#', q);
      String fragment = hash < 0 ? "" : uri.substring(hash);
      Map<String, List<String>> query = GoUrlQuery.parse(uri.substring(q + 1, hash < 0 ? uri.length() : hash));
      if (query.keySet().stream().anyMatch(PARAMS::contains)) {
        query.replaceAll((k, v) -> PARAMS.contains(k) ? List.of(MASK) : v);
        uri = uri.substring(0, q + 1) + GoUrlQuery.encode(query) + fragment;
      }
    }
    return maskUserinfo(uri);
  }

  /**
   * Masks the secrets of a sink URI quoted in {@code text} (a parser's message may hold an
   * unparsable one): a secret parameter's value runs to the next {@code &} or {@code #}.
   */
  public static String maskText(String text) {
    if (text == null) {
      return null;
    }
    String masked = PARAM_IN_TEXT.matcher(text).replaceAll("$1" + MASK);
    return USERINFO_PASSWORD_IN_TEXT.matcher(masked).replaceFirst("$1" + MASK + "@");
  }

  private static String maskUserinfo(String uri) {
    int schemeEnd = uri.indexOf("://");
    if (schemeEnd <= 0) {
      return uri;
    }
    int authStart = schemeEnd + 3;
    int authEnd = authStart;
    while (authEnd < uri.length() && "/?#".indexOf(uri.charAt(authEnd)) < 0) {
      authEnd++;
    }
    int at = uri.lastIndexOf('@', authEnd - 1);
    if (at < authStart) {
      return uri;
    }
    int colon = uri.indexOf(':', authStart);
    return colon >= 0 && colon < at ? uri.substring(0, colon + 1) + MASK + uri.substring(at) : uri;
  }
}
