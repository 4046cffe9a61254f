package io.kcdc.capture.connect;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** {@code --connect-url}: the REST URLs of an existing Kafka Connect cluster's workers. */
public final class ConnectUrls {
  private ConnectUrls() {}

  /** Parses {@code http(s)://host:port[/path]} URLs; none = the capture embeds its own worker. */
  public static List<URI> parse(List<String> urls) {
    if (urls == null) {
      return List.of();
    }
    return urls.stream().map(String::strip).filter(u -> !u.isEmpty()).map(ConnectUrls::one).toList();
  }

  private static URI one(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid --connect-url " + url + ": " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("invalid --connect-url " + url + ": want http://host:port");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("invalid --connect-url " + url + ": no query or fragment");
    }
    return ConnectRestClient.asBase(uri);
  }
}
