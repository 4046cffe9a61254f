package io.kcdc.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small java.net.http client for the API tests. */
final class Http {
  record Response(int status, String body) {}

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static Response get(int port, String path) throws Exception {
    return send(port, "GET", path, null);
  }

  static Response post(int port, String path, String body) throws Exception {
    return send(port, "POST", path, body);
  }

  static Response delete(int port, String path) throws Exception {
    return send(port, "DELETE", path, null);
  }

  static Response send(int port, String method, String path, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }
}
