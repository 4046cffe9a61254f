package io.kcdc.capture.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The owner's progress reads answer at once while Connect rebalances (it answers 409 then, for seconds after a
 * crash): with the last answer read, or "unknown" when there is none; they never wait the rebalance out.
 */
class ConnectRestClientTest {
  private HttpServer server;
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger calls = new AtomicInteger();
  private ConnectRestClient client;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/connectors/cf/status", exchange -> {
      calls.incrementAndGet();
      int code = status.get();
      byte[] body = (code == 200 ? "{\"connector\":{\"state\":\"RUNNING\"},\"tasks\":[]}"
          : "{\"error_code\":409,\"message\":\"Cannot complete request momentarily due to stale configuration\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    client = new ConnectRestClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aRebalanceWithNothingReadBeforeIsUnknownAtOnce() {
    status.set(409);
    long began = System.nanoTime();
    ConnectRestClient.Known k = client.statusNow("cf");
    assertThat(k.known()).isFalse();
    assertThat(k.body()).isEmpty();
    assertThat((System.nanoTime() - began) / 1_000_000).isLessThan(ConnectRestClient.REBALANCE_WAIT.toMillis());
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aRebalanceAnswersWithTheLastAnswerRead() throws Exception {
    ConnectRestClient.Known first = client.statusNow("cf");
    assertThat(first.known()).isTrue();
    assertThat(first.body().orElseThrow().path("connector").path("state").asText()).isEqualTo("RUNNING");

    status.set(409);
    Thread.sleep(ConnectRestClient.READ_TTL.toMillis() + 100); // past the cache: Connect is asked again
    long began = System.nanoTime();
    ConnectRestClient.Known during = client.statusNow("cf");
    assertThat(calls.get()).isEqualTo(2);
    assertThat(during.known()).isTrue();
    assertThat(during.body()).isEqualTo(first.body());
    assertThat((System.nanoTime() - began) / 1_000_000).isLessThan(ConnectRestClient.REBALANCE_WAIT.toMillis());
  }
}
