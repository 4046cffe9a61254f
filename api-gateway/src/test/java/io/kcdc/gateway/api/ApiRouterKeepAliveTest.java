package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A route that answers without reading the request body (an invalid changefeed id refused before
 * the JSON is parsed) keeps the client's connection usable, as Go's net/http does for TiCDC by
 * discarding the unread body: when the body arrived after the answer, Jetty closed the persistent
 * connection without saying so and the client's next request on it got no answer at all.
 */
class ApiRouterKeepAliveTest {
  private JettyServer server;

  @BeforeEach
  void start() {
    ApiRouter router = new ApiRouter();
    router.put("/refuse/{id}", ctx -> ctx.status(400).contentType("application/json").result("{\"refused\":true}"));
    router.get("/ok", ctx -> ctx.status(200).contentType("text/plain").result("ok"));
    server = new JettyServer("127.0.0.1", 0, router);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aBodyThatArrivesAfterTheAnswerLeavesTheConnectionOpen() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      out.write(("PUT /refuse/bad_id HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 2\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread.sleep(300);
      out.write("{}".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 400").doesNotContainIgnoringCase("Connection: close");

      out.write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
    }
  }

  /** Status line, headers and a Content-Length body, or what came before the connection closed. */
  private static String readResponse(BufferedReader in) throws Exception {
    StringBuilder text = new StringBuilder();
    int length = 0;
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      text.append(line).append("\r\n");
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    if (line == null) {
      return text + "<closed>";
    }
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      int n = in.read(body, read, length - read);
      if (n < 0) {
        return text + "<closed>";
      }
      read += n;
    }
    return text.append("\r\n").append(body).toString();
  }
}
