package io.kcdc.common.sink;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A URI query the way Go's {@code net/url} reads and writes it ({@code url.ParseQuery},
 * {@code url.Values.Encode}): TiCDC parses sink URIs with it (docs/kafka-sink.md#sink-uri-parameters).
 */
public final class GoUrlQuery {
  private GoUrlQuery() {}

  /** Every value of every key, keys in the order they first appear; a bad escape is kept as written. */
  public static Map<String, List<String>> parse(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String part : rawQuery.split("&")) {
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

  /** The first value of each key, as Go's {@code Values.Get} answers. */
  public static Map<String, String> firstValues(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    parse(rawQuery).forEach((k, vs) -> out.put(k, vs.get(0)));
    return out;
  }

  /** Go's {@code Values.Encode}: keys sorted, keys and values {@code QueryEscape}d. */
  public static String encode(Map<String, List<String>> query) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(query).entrySet()) {
      for (String v : e.getValue()) {
        if (b.length() > 0) {
          b.append('&');
        }
        b.append(queryEscape(e.getKey())).append('=').append(queryEscape(v));
      }
    }
    return b.toString();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static String queryEscape(String s) {
    // URLEncoder escapes '~' and keeps '*', Go's QueryEscape does the opposite.
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }
}
