package io.kcdc.upstream.cluster;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.kcdc.common.security.Credential;
import io.kcdc.upstream.tikv.ChangeDataService;
import io.kcdc.upstream.tikv.FeatureGate;
import io.kcdc.upstream.tikv.StoreContext;
import io.kcdc.upstream.tikv.TikvKvService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** One TiKV store's gRPC server (KV and ChangeData), which can be restarted on the same address. */
final class StoreServer {
  private final StoreContext ctx;
  private final String host;
  private final Credential tls;
  private volatile ChangeDataService changeData;
  private volatile StoreInfo info;
  private Server server;

  StoreServer(StoreContext ctx, String host, Credential tls) {
    this.ctx = ctx;
    this.host = host;
    this.tls = tls;
  }

  long storeId() {
    return ctx.storeId();
  }

  StoreInfo info() {
    return info;
  }

  ChangeDataService changeData() {
    return changeData;
  }

  /** Binds {@code port} (0: a free one). */
  synchronized void start(int port) throws IOException {
    ChangeDataService cds = new ChangeDataService(ctx);
    try {
      NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
      if (tls.isTlsEnabled()) {
        b.sslContext(tls.grpcServerContext());
      }
      server = b
          .addService(ServerInterceptors.intercept(cds, new FeatureGate()))
          .addService(new TikvKvService(ctx))
          // TiKV serves grpc.health.v1 (SERVING); PingCAP's Java client probes it before use.
          .addService(new HealthStatusManager().getHealthService())
          .maxInboundMessageSize(1 << 28)
          // TiKV lets clients ping every 10 s (TiCDC's keepalive), even without calls.
          .permitKeepAliveTime(5, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .build()
          .start();
    } catch (IOException e) {
      cds.closeAll();
      throw e;
    }
    changeData = cds;
    info = new StoreInfo(ctx.storeId(), host + ":" + server.getPort(), System.currentTimeMillis() / 1000,
        ctx.version().version());
  }

  /**
   * Stops the store as a crash does: every EventFeed stream ends with UNAVAILABLE and every
   * other call is cancelled; then the store comes back on the same address with no streams.
   */
  synchronized void restart() {
    if (server == null) {
      throw new IllegalStateException("store " + ctx.storeId() + " is not running");
    }
    int port = server.getPort();
    stop(Status.UNAVAILABLE.withDescription("store " + ctx.storeId() + " is restarting"));
    IOException last = null;
    // The port was just released; a bind can race the kernel for a moment.
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        start(port);
        return;
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new UncheckedIOException("store " + ctx.storeId() + " cannot rebind port " + port, last);
  }

  synchronized void stop(Status status) {
    if (server == null) {
      return;
    }
    changeData.abortAll(status);
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
  }
}
