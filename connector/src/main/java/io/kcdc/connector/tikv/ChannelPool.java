package io.kcdc.connector.tikv;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.kcdc.common.security.Credential;
import io.netty.handler.ssl.SslContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per address (PD member or TiKV store), with TiCDC's dial options: plain text or
 * TLS with the credential (docs/security.md), keepalive 10 s / timeout 3 s also without calls,
 * 256 MiB inbound messages, 8 MiB window.
 */
public final class ChannelPool implements AutoCloseable {
  private static final int MAX_INBOUND_BYTES = 1 << 28;
  private static final int FLOW_CONTROL_WINDOW = 8 << 20;

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  /** Null for plain text; one context for every channel (it holds the CA and the key pair). */
  private final SslContext tls;

  /** Plain-text channels. */
  public ChannelPool() {
    this(Credential.NONE);
  }

  /**
   * Channels with {@code credential}: TLS when it has paths, plain text when it is empty.
   *
   * @throws io.kcdc.common.security.TlsConfigException if its files are unusable
   */
  public ChannelPool(Credential credential) {
    this.tls = credential.validate().grpcClientContext();
  }

  /** The channel for {@code address} ({@code host:port}, an optional {@code http://} is dropped). */
  public ManagedChannel channel(String address) {
    return channels.computeIfAbsent(target(address), this::open);
  }

  static String target(String address) {
    String a = address.trim();
    int scheme = a.indexOf("://");
    if (scheme >= 0) {
      a = a.substring(scheme + 3);
    }
    return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
  }

  private ManagedChannel open(String target) {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(target);
    if (tls == null) {
      b.usePlaintext();
    } else {
      b.sslContext(tls);
    }
    return b
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
