package io.kcdc.connector.tikv;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per address (PD member or TiKV store), with TiCDC's dial options: plaintext,
 * keepalive 10 s / timeout 3 s also without calls, 256 MiB inbound messages, 8 MiB window.
 */
public final class ChannelPool implements AutoCloseable {
  private static final int MAX_INBOUND_BYTES = 1 << 28;
  private static final int FLOW_CONTROL_WINDOW = 8 << 20;

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /** The channel for {@code address} ({@code host:port}, an optional {@code http://} is dropped). */
  public ManagedChannel channel(String address) {
    return channels.computeIfAbsent(target(address), ChannelPool::open);
  }

  static String target(String address) {
    String a = address.trim();
    int scheme = a.indexOf("://");
    if (scheme >= 0) {
      a = a.substring(scheme + 3);
    }
    return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
  }

  private static ManagedChannel open(String target) {
    return NettyChannelBuilder.forTarget(target)
        .usePlaintext()
        .keepAliveTime(10, TimeUnit.SECONDS)
        .keepAliveTimeout(3, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .build();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    channels.clear();
  }
}
