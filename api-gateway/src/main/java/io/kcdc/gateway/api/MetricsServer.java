package io.kcdc.gateway.api;

import io.kcdc.common.security.Credential;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * An HTTP server with only {@code GET /metrics} (the registry in Prometheus' text format, as a capture serves it) and
 * {@code GET /status} (a liveness answer): what a process without the v2 API, {@code cdc streams}, serves so that
 * Prometheus scrapes it like a capture (docs/metrics.md).
 */
public final class MetricsServer implements AutoCloseable {
  private final JettyServer server;

  private MetricsServer(JettyServer server) {
    this.server = server;
  }

  /**
   * @param status the JSON body of {@code /status}
   */
  public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<String> status,
      Credential security) {
    ApiRouter router = new ApiRouter();
    router.get("/metrics",
        ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    router.get("/status", ctx -> ctx.contentType("application/json").result(status.get()));
    JettyServer server = new JettyServer(host, port, router, security);
    server.start();
    return new MetricsServer(server);
  }

  @Override
  public void close() {
    server.close();
  }
}
