package io.kcdc.upstream.cluster;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.kcdc.tidb.Codec;
import io.kcdc.upstream.kv.MvccStore;
import io.kcdc.upstream.kv.MvccTxnKv;
import io.kcdc.upstream.kv.TimestampOracle;
import io.kcdc.upstream.pd.PdService;
import io.kcdc.upstream.tikv.ChangeDataService;
import io.kcdc.upstream.tikv.StoreContext;
import io.kcdc.upstream.tikv.TikvKvService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in TiDB storage cluster in one JVM: PD (TSO, regions, stores, GC safepoints) and TiKV
 * stores (KV reads, ChangeData EventFeed) speaking the real gRPC protocols on loopback, over one
 * in-memory Percolator store. Starts with meta keys ({@code m...}) and table data ({@code t...})
 * in different regions.
 */
public final class EmbeddedCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);
  /** Encoded raw {@code "t"}: every meta key sorts below it, every table key at or above. */
  public static final byte[] TABLE_DATA_SPLIT_KEY = Codec.encodeBytes("t".getBytes(StandardCharsets.US_ASCII));
  private static final String HOST = "127.0.0.1";

  private final long clusterId;
  private final int pdPort;
  private final Duration resolvedTsInterval;
  private final TimestampOracle tso = new TimestampOracle();
  private final MvccStore store = new MvccStore();
  private final MvccTxnKv txnKv = new MvccTxnKv(store, tso);
  private final RegionTable regions;
  private final List<Long> storeIds = new ArrayList<>();
  private final List<StoreInfo> stores = new ArrayList<>();
  private final List<ChangeDataService> changeData = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private final Object resolvedTsRound = new Object();
  private ScheduledExecutorService ticker;
  private volatile String pdAddress;

  private EmbeddedCluster(Builder b) {
    this.clusterId = b.clusterId;
    this.pdPort = b.pdPort;
    this.resolvedTsInterval = b.resolvedTsInterval;
    AtomicLong ids = new AtomicLong();
    for (int i = 0; i < b.stores; i++) {
      storeIds.add(ids.incrementAndGet());
    }
    regions = new RegionTable(storeIds, ids);
    regions.split(TABLE_DATA_SPLIT_KEY);
    b.splitKeys.forEach(regions::split);
    regions.spreadLeaders();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds the store servers and PD, then starts the resolved-ts ticker. */
  public synchronized EmbeddedCluster start() {
    try {
      for (long storeId : storeIds) {
        StoreContext ctx = new StoreContext(clusterId, storeId, store, regions);
        ChangeDataService cds = new ChangeDataService(ctx);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(HOST, 0))
            .addService(cds)
            .addService(new TikvKvService(ctx))
            .maxInboundMessageSize(1 << 28)
            // TiKV lets clients ping every 10 s (TiCDC's keepalive), even without calls.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build()
            .start();
        servers.add(server);
        changeData.add(cds);
        stores.add(new StoreInfo(storeId, HOST + ":" + server.getPort(), System.currentTimeMillis() / 1000));
      }
      List<StoreInfo> storeView = List.copyOf(stores);
      Server pd = NettyServerBuilder.forAddress(new InetSocketAddress(HOST, pdPort))
          .addService(new PdService(clusterId, () -> pdAddress, tso, regions, () -> storeView))
          .permitKeepAliveTime(5, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .build()
          .start();
      servers.add(pd);
      pdAddress = HOST + ":" + pd.getPort();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot start embedded cluster", e);
    }
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "resolved-ts-ticker");
      t.setDaemon(true);
      return t;
    });
    long periodMs = Math.max(1, resolvedTsInterval.toMillis());
    ticker.scheduleAtFixedRate(this::advanceResolvedTs, periodMs, periodMs, TimeUnit.MILLISECONDS);
    LOG.info("embedded cluster {} started: pd {}, stores {}", clusterId, pdAddress, stores);
    return this;
  }

  /**
   * One resolved-ts round on every store now (the ticker does this every interval). Rounds are
   * serialized so a stream never sees them interleaved.
   */
  public void advanceResolvedTs() {
    synchronized (resolvedTsRound) {
      try {
        // The TSO is read before any lock is looked at: see EventFeedSession#sendResolvedTs.
        long ts = tso.next();
        changeData.forEach(s -> s.advanceResolvedTs(ts));
      } catch (RuntimeException e) {
        LOG.warn("resolved ts round failed", e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    changeData.forEach(ChangeDataService::closeAll);
    for (Server s : servers) {
      s.shutdownNow();
    }
    for (Server s : servers) {
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    servers.clear();
  }

  /** {@code 127.0.0.1:port} of PD. */
  public String pdAddress() {
    return pdAddress;
  }

  public long clusterId() {
    return clusterId;
  }

  public MvccTxnKv txnKv() {
    return txnKv;
  }

  public MvccStore store() {
    return store;
  }

  public TimestampOracle tso() {
    return tso;
  }

  public RegionTable regions() {
    return regions;
  }

  public List<StoreInfo> stores() {
    return List.copyOf(stores);
  }

  /**
   * Splits the region containing {@code encodedKey} at it (e.g. {@code
   * Codec.encodeBytes(TableCodec.recordKey(id, 100))} to cut a table in two). EventFeed
   * registrations on the old region end with epoch_not_match.
   */
  public List<Region> split(byte[] encodedKey) {
    return regions.split(encodedKey);
  }

  /** Configuration of an {@link EmbeddedCluster}. */
  public static final class Builder {
    private long clusterId = 7_000_000_000_000_000_001L;
    private int stores = 1;
    private Duration resolvedTsInterval = Duration.ofSeconds(1);
    private final List<byte[]> splitKeys = new ArrayList<>();
    private int pdPort;

    public Builder clusterId(long clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    public Builder stores(int stores) {
      if (stores < 1) {
        throw new IllegalArgumentException("stores must be >= 1");
      }
      this.stores = stores;
      return this;
    }

    public Builder resolvedTsInterval(Duration interval) {
      this.resolvedTsInterval = interval;
      return this;
    }

    /** Extra region boundaries (encoded keys) besides the meta/table split. */
    public Builder splitKeys(List<byte[]> encodedKeys) {
      splitKeys.addAll(encodedKeys);
      return this;
    }

    /** PD's port; 0 (the default) picks a free one. */
    public Builder pdPort(int port) {
      this.pdPort = port;
      return this;
    }

    public EmbeddedCluster build() {
      return new EmbeddedCluster(this);
    }

    /** Builds and starts. */
    public EmbeddedCluster start() {
      return build().start();
    }
  }
}
