package io.kcdc.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny JSON-over-HTTP client for tests: one base URL, {@code GET}/{@code POST}/{@code PUT}/
 * {@code DELETE} (or any method, with or without a body), the answer as status and text, or as
 * Jackson's tree. Requests carry {@code Content-Type: application/json} unless told otherwise.
 */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final HttpClient client;

  private Http(String baseUrl, Duration timeout, Map<String, String> headers, HttpClient client) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.headers = headers;
    this.client = client;
  }

  /** A client of {@code baseUrl}, e.g. {@code http://127.0.0.1:8300}; paths are appended to it. */
  public static Http to(String baseUrl) {
    return new Http(baseUrl, TIMEOUT, Map.of("Content-Type", "application/json"), CLIENT);
  }

  /** A client of {@code http://127.0.0.1:<port>}. */
  public static Http loopback(int port) {
    return to("http://127.0.0.1:" + port);
  }

  /** The same client with another request timeout (default 30 s). */
  public Http withTimeout(Duration timeout) {
    return new Http(baseUrl, timeout, headers, client);
  }

  /** The same client over TLS with {@code ssl} (e.g. {@link TestCertificates.Issued#sslContext()}) for https URLs. */
  public Http withSslContext(javax.net.ssl.SSLContext ssl) {
    return new Http(baseUrl, timeout, headers,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(ssl).build());
  }

  /** The same client with a header set on every request (replacing one of that name). */
  public Http withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Http(baseUrl, timeout, Map.copyOf(more), client);
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Response get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  public Response post(String path, String body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  public Response put(String path, String body) throws IOException, InterruptedException {
    return send("PUT", path, body);
  }

  public Response delete(String path) throws IOException, InterruptedException {
    return send("DELETE", path, null);
  }

  /** Any method; {@code body} null sends none (a GET with a body is allowed: some APIs read one). */
  public Response send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::setHeader);
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  @Override
  public String toString() {
    return baseUrl;
  }

  /** An answer: the status and the body as text. */
  public record Response(int status, String body) {
    /** The body as JSON; a body that is not JSON fails with the status and the body. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException("HTTP " + status + " answered no JSON: " + body, e);
      }
    }

    /** Whether the status is 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }
}
