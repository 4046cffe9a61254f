package io.kcdc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the JDK's HTTP server, which echoes what it got as JSON. */
class HttpTest {
  private HttpServer server;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String reply = exchange.getRequestURI().getPath().equals("/text") ? "not json"
          : "{\"method\":\"%s\",\"path\":\"%s\",\"type\":\"%s\",\"accept\":\"%s\",\"body\":\"%s\"}".formatted(
              exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders().getFirst("Content-Type"),
              exchange.getRequestHeaders().getFirst("Accept"), body.replace("\"", "'"));
      byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/missing") ? 404 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    http = Http.loopback(server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void everyMethodWithAndWithoutABody() throws Exception {
    assertThat(http.get("/a?x=1").json().path("method").asText()).isEqualTo("GET");
    assertThat(http.get("/a?x=1").json().path("path").asText()).isEqualTo("/a?x=1");
    Http.Response post = http.post("/b", "{\"k\":1}");
    assertThat(post.status()).isEqualTo(200);
    assertThat(post.ok()).isTrue();
    assertThat(post.json().path("body").asText()).isEqualTo("{'k':1}");
    assertThat(post.json().path("type").asText()).isEqualTo("application/json");
    assertThat(http.put("/c", "{}").json().path("method").asText()).isEqualTo("PUT");
    assertThat(http.delete("/d").json().path("method").asText()).isEqualTo("DELETE");
    assertThat(http.send("GET", "/e", "{\"q\":2}").json().path("body").asText()).isEqualTo("{'q':2}");
  }

  @Test
  void statusBodyAndHeaders() throws Exception {
    Http.Response missing = http.get("/missing");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.ok()).isFalse();
    assertThat(missing.body()).contains("\"path\":\"/missing\"");

    Http registry = Http.to(http.baseUrl() + "/").withHeader("Content-Type", "application/vnd.x+json")
        .withHeader("Accept", "application/vnd.x+json");
    assertThat(registry.baseUrl()).isEqualTo(http.baseUrl());
    assertThat(registry.put("/cfg", "{}").json().path("type").asText()).isEqualTo("application/vnd.x+json");
    assertThat(registry.get("/cfg").json().path("accept").asText()).isEqualTo("application/vnd.x+json");
  }

  @Test
  void aBodyThatIsNotJsonFailsWithWhatCame() throws Exception {
    Http.Response text = http.get("/text");
    assertThat(text.body()).isEqualTo("not json");
    assertThatThrownBy(text::json).isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("HTTP 200 answered no JSON: not json");
  }
}
