package io.kcdc.upstream.cluster;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.kcdc.common.Tso;
import io.kcdc.common.security.Credential;
import io.kcdc.tidb.Codec;
import io.kcdc.upstream.kv.MvccStore;
import io.kcdc.upstream.kv.MvccTxnKv;
import io.kcdc.upstream.kv.TimestampOracle;
import io.kcdc.upstream.pd.PdService;
import io.kcdc.upstream.tikv.ChangeDataService;
import io.kcdc.upstream.pd.ServiceSafePoints;
import io.kcdc.upstream.tikv.FeedFaults;
import io.kcdc.upstream.tikv.StoreContext;
import io.kcdc.upstream.tikv.TikvVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in TiDB storage cluster in one JVM: PD (TSO, regions, stores, GC safepoints) and TiKV
 * stores (3 by default; KV reads, ChangeData EventFeed) speaking the real gRPC protocols on
 * loopback, over one in-memory Percolator store. Starts with meta keys ({@code m...}) and table
 * data ({@code t...}) in different regions, leaders spread over the stores. {@link #faults()}
 * injects splits, merges, leader transfers, store restarts and EventFeed misbehaviour; {@link
 * #gc} runs MVCC GC.
 */
public final class EmbeddedCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);
  /**
   * gRPC's server handler logs every stream whose client went away before a reply was written as a WARNING with a
   * stack trace: with captures killed on purpose (the playground's supervisor, chaos runs) that is one per kill and
   * says nothing. Only that exception is dropped; held here because JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger GRPC_SERVER_LOG = quietClosedStreams();

  private static java.util.logging.Logger quietClosedStreams() {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.grpc.netty.NettyServerHandler");
    log.setFilter(r -> !(r.getThrown() instanceof io.netty.handler.codec.http2.Http2Exception.StreamException));
    return log;
  }

  /** Encoded raw {@code "t"}: every meta key sorts below it, every table key at or above. */
  public static final byte[] TABLE_DATA_SPLIT_KEY = Codec.encodeBytes("t".getBytes(StandardCharsets.US_ASCII));
  private static final String HOST = "127.0.0.1";

  private final long clusterId;
  private final int pdPort;
  private final int adminPort;
  private final Duration resolvedTsInterval;
  private final TimestampOracle tso;
  private final MvccStore store = new MvccStore();
  private final MvccTxnKv txnKv;
  private final TikvVersion tikvVersion;
  private final Credential tls;
  private final RegionTable regions;
  private final FeedFaults feedFaults = new FeedFaults();
  private final ServiceSafePoints serviceSafePoints = new ServiceSafePoints();
  /** Store servers by id, in id order. */
  private final Map<Long, StoreServer> stores = new LinkedHashMap<>();
  private final ClusterFaults faults;
  private final List<Server> servers = new ArrayList<>();
  private final Object resolvedTsRound = new Object();
  /** Admin faults added by the layers above, by path. */
  private final Map<String, Function<Map<String, String>, Object>> adminFaults = new ConcurrentHashMap<>();
  private ScheduledExecutorService ticker;
  private AdminServer admin;
  private volatile String pdAddress;

  private EmbeddedCluster(Builder b) {
    this.clusterId = b.clusterId;
    this.pdPort = b.pdPort;
    this.adminPort = b.adminPort;
    this.resolvedTsInterval = b.resolvedTsInterval;
    this.tikvVersion = b.tikvVersion;
    this.tls = b.tls;
    this.tso = new TimestampOracle(System::currentTimeMillis, b.tsoSuffixBits, b.tsoSuffix);
    this.txnKv = new MvccTxnKv(store, tso);
    AtomicLong ids = new AtomicLong();
    List<Long> storeIds = new ArrayList<>();
    for (int i = 0; i < b.stores; i++) {
      storeIds.add(ids.incrementAndGet());
    }
    regions = new RegionTable(storeIds, ids);
    regions.split(TABLE_DATA_SPLIT_KEY);
    b.splitKeys.forEach(regions::split);
    regions.spreadLeaders();
    for (long storeId : storeIds) {
      StoreContext ctx = new StoreContext(clusterId, storeId, store, regions, feedFaults, tikvVersion);
      stores.put(storeId, new StoreServer(ctx, HOST, tls));
    }
    faults = new ClusterFaults(regions, Collections.unmodifiableMap(stores), feedFaults);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds the store servers, PD and (when a port is set) the admin endpoint, then starts the resolved-ts ticker. */
  public synchronized EmbeddedCluster start() {
    try {
      for (StoreServer s : stores.values()) {
        s.start(0);
      }
      NettyServerBuilder pdBuilder = NettyServerBuilder.forAddress(new InetSocketAddress(HOST, pdPort));
      if (tls.isTlsEnabled()) {
        pdBuilder.sslContext(tls.grpcServerContext());
      }
      String scheme = tls.isTlsEnabled() ? "https://" : "http://";
      Server pd = pdBuilder
          .addService(new PdService(clusterId, () -> scheme + pdAddress, tso, regions, this::stores,
              serviceSafePoints, store::gcSafePoint))
          .addService(new HealthStatusManager().getHealthService())
          .permitKeepAliveTime(5, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .build()
          .start();
      servers.add(pd);
      pdAddress = HOST + ":" + pd.getPort();
      if (adminPort >= 0) {
        admin = AdminServer.start(this, HOST, adminPort);
      }
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
    LOG.info("embedded cluster {} started: pd {}, stores {}", clusterId, pdAddress, stores());
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
        for (StoreServer s : stores.values()) {
          ChangeDataService cds = s.changeData();
          if (cds != null) {
            cds.advanceResolvedTs(ts);
          }
        }
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
    if (admin != null) {
      admin.close();
    }
    for (StoreServer s : stores.values()) {
      s.stop(Status.UNAVAILABLE.withDescription("cluster is shutting down"));
    }
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

  /** Split, merge, leader transfer, store restart and EventFeed faults on this cluster. */
  public ClusterFaults faults() {
    return faults;
  }

  /**
   * Runs GC at {@code safePoint}, held back to the smallest live service safepoint as PD does:
   * older MVCC versions are removed, and reads or EventFeed registrations below the safepoint
   * fail from then on.
   *
   * @return the safepoint GC ran at
   */
  public long gc(long safePoint) {
    ServiceSafePoints.ServiceSafePoint min = serviceSafePoints.min(System.currentTimeMillis() / 1000);
    long effective = min == null ? safePoint : Tso.min(safePoint, min.safePoint());
    int removed = store.gc(effective);
    LOG.info("GC at safepoint {} (asked {}) removed {} versions", effective, safePoint, removed);
    return store.gcSafePoint();
  }

  /** PD's GC safepoint: where the last {@link #gc} ran. */
  public long gcSafePoint() {
    return store.gcSafePoint();
  }

  /** PD's service safepoints (UpdateServiceGCSafePoint), which bound {@link #gc}. */
  public ServiceSafePoints serviceSafePoints() {
    return serviceSafePoints;
  }

  /**
   * Serves {@code POST path} on the admin endpoint with {@code fault}, which gets the query
   * parameters and returns the JSON answer ({@link IllegalArgumentException}: 400).
   */
  public void addAdminFault(String path, Function<Map<String, String>, Object> fault) {
    adminFaults.put(path, fault);
  }

  Function<Map<String, String>, Object> adminFault(String path) {
    return adminFaults.get(path);
  }

  /** {@code 127.0.0.1:port} of the admin HTTP endpoint, or null when none was asked for. */
  public String adminAddress() {
    return admin == null ? null : admin.address();
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

  /** The TiKV release the stores behave as. */
  public TikvVersion tikvVersion() {
    return tikvVersion;
  }

  public RegionTable regions() {
    return regions;
  }

  /** The stores in id order, with their current addresses. */
  public List<StoreInfo> stores() {
    List<StoreInfo> out = new ArrayList<>();
    for (StoreServer s : stores.values()) {
      if (s.info() != null) {
        out.add(s.info());
      }
    }
    return out;
  }

  /**
   * Live EventFeed region registrations, over every store, that observe part of {@code
   * encodedSpan} (e.g. {@code TableCodec.tableSpan(id)}): what a CDC client still pulls there.
   */
  public int cdcRegistrations(io.kcdc.tidb.KeySpan encodedSpan) {
    int n = 0;
    for (StoreServer s : stores.values()) {
      ChangeDataService cds = s.changeData();
      if (cds != null) {
        n += cds.registrationsIn(encodedSpan);
      }
    }
    return n;
  }

  /** The store leading the region that contains {@code encodedKey}. */
  public StoreInfo leaderStoreOf(byte[] encodedKey) {
    long id = regions.regionOf(encodedKey).leader().storeId();
    return stores.get(id).info();
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
    private int stores = 3;
    private int adminPort = -1;
    private Duration resolvedTsInterval = Duration.ofSeconds(1);
    private final List<byte[]> splitKeys = new ArrayList<>();
    private int pdPort;
    private TikvVersion tikvVersion = TikvVersion.V8_5;
    private int tsoSuffixBits;
    private long tsoSuffix;
    private Credential tls = Credential.NONE;

    /** The TiKV release whose ChangeData behaviour the stores follow (default 8.5). */
    public Builder tikvVersion(TikvVersion version) {
      this.tikvVersion = version;
      return this;
    }

    /**
     * A TSO whose logical part ends in {@code suffix} over {@code bits} bits, as PD hands out when
     * its allocators are told apart by a suffix (default: none).
     */
    public Builder tsoSuffix(int bits, long suffix) {
      this.tsoSuffixBits = bits;
      this.tsoSuffix = suffix;
      return this;
    }

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

    /** Port of the admin HTTP endpoint (faults, regions); 0 picks a free one; unset: no endpoint. */
    public Builder adminPort(int port) {
      this.adminPort = port;
      return this;
    }

    /**
     * Serve PD and every TiKV store over TLS with this credential's certificate, and require
     * client certificates signed by its CA (as a TiDB cluster with {@code cluster-ssl-*} set does;
     * docs/security.md). Default: plain text.
     */
    public Builder tls(Credential credential) {
      this.tls = credential.validate();
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
