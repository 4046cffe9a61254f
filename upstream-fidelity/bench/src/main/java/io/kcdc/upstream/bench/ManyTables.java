package io.kcdc.upstream.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.ChangeDataGrpc;
import io.kcdc.kvproto.Metapb;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.StoreInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded upstream with many tables, as the connector sees it in {@code cdc bench --scenarios tables}:
 * creates N tables through SQL (time per thousand), registers every region on one EventFeed stream per store
 * (one region per table, as TiDB splits them), then writes single-row INSERTs into 100 of the tables over four
 * connections and prints, every second, the statements written and the resolved-ts lag the client sees (now
 * minus the smallest resolved ts over the regions). It tells whether the upstream itself keeps up with a
 * changefeed of N tables.
 */
final class ManyTables {
  private static final int WRITTEN_TABLES = 100;
  private static final int WRITERS = 4;

  private final EmbeddedUpstream upstream;
  private final int tables;
  private final int seconds;
  private final Map<Long, Long> resolvedByRegion = new ConcurrentHashMap<>();

  ManyTables(EmbeddedUpstream upstream, int tables, int seconds) {
    this.upstream = upstream;
    this.tables = tables;
    this.seconds = seconds;
  }

  void run() throws Exception {
    System.out.printf("embedded upstream, many tables: %d tables, %d of them written for %d s over %d connections,"
        + " %d cores%n", tables, WRITTEN_TABLES, seconds, WRITERS, Runtime.getRuntime().availableProcessors());
    create();
    List<ManagedChannel> channels = register();
    try {
      write();
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  private void create() throws SQLException {
    try (Connection c = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE many");
      long start = System.nanoTime();
      long step = start;
      for (int i = 1; i <= tables; i++) {
        st.execute("CREATE TABLE many.t" + i + " (id BIGINT PRIMARY KEY, v INT)");
        if (i % 1000 == 0 || i == tables) {
          long now = System.nanoTime();
          System.out.printf("  created %6d tables: %6.2f s for the last %d, %7.1f s in all%n", i,
              (now - step) / 1e9, i % 1000 == 0 ? 1000 : i % 1000, (now - start) / 1e9);
          step = now;
        }
      }
    }
  }

  /** One EventFeed stream per store; every region registered on its leader's stream with its own range. */
  private List<ManagedChannel> register() {
    List<ManagedChannel> channels = new ArrayList<>();
    long requestId = 0;
    for (StoreInfo store : upstream.cluster().stores()) {
      ManagedChannel ch = NettyChannelBuilder.forTarget(store.address()).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      channels.add(ch);
      StreamObserver<Cdcpb.ChangeDataRequest> requests = ChangeDataGrpc.newStub(ch).eventFeed(new StreamObserver<>() {
        @Override
        public void onNext(Cdcpb.ChangeDataEvent event) {
          if (event.hasResolvedTs()) {
            for (long region : event.getResolvedTs().getRegionsList()) {
              resolvedByRegion.put(region, event.getResolvedTs().getTs());
            }
          }
          for (Cdcpb.Event ev : event.getEventsList()) {
            if (ev.getResolvedTs() != 0) {
              resolvedByRegion.put(ev.getRegionId(), ev.getResolvedTs());
            }
          }
        }

        @Override
        public void onError(Throwable t) {
          System.out.println("  event feed of store " + store.id() + " failed: " + t);
        }

        @Override
        public void onCompleted() {}
      });
      for (Region r : upstream.cluster().regions().all()) {
        if (r.leader().storeId() != store.id()) {
          continue;
        }
        requests.onNext(Cdcpb.ChangeDataRequest.newBuilder()
            .setRequestId(++requestId)
            .setRegionId(r.id())
            .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(r.confVer()).setVersion(r.version()))
            .setCheckpointTs(upstream.txnKv().currentTs())
            .setStartKey(ByteString.copyFrom(r.span().start()))
            .setEndKey(ByteString.copyFrom(r.span().end()))
            .build());
      }
    }
    System.out.printf("  %d regions registered%n", upstream.cluster().regions().all().size());
    return channels;
  }

  private void write() throws Exception {
    AtomicLong written = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        try (Connection c = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
            Statement st = c.createStatement()) {
          for (long n = 0; !stop.get(); n++) {
            int table = 1 + (int) ((n * WRITERS + writer) % WRITTEN_TABLES) * (tables / WRITTEN_TABLES);
            st.executeUpdate("INSERT INTO many.t" + table + " VALUES (" + (n * WRITERS + writer) + ", 1)");
            written.incrementAndGet();
          }
        } catch (SQLException e) {
          System.out.println("  writer " + writer + " failed: " + e);
        }
      }, "writer-" + w);
      t.start();
      writers.add(t);
    }
    long regions = upstream.cluster().regions().all().size();
    long last = 0;
    List<Long> lags = new ArrayList<>();
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1000);
      long now = written.get();
      long min = resolvedByRegion.size() < regions ? 0
          : resolvedByRegion.values().stream().mapToLong(Long::longValue).min().orElse(0);
      long lagMs = min == 0 ? -1 : System.currentTimeMillis() - (min >>> 18);
      lags.add(lagMs);
      System.out.printf("  %3d s: %5d statements/s, resolved ts reported for %d of %d regions, lag %s%n", s,
          now - last, resolvedByRegion.size(), regions, lagMs < 0 ? "-" : lagMs + " ms");
      last = now;
    }
    stop.set(true);
    for (Thread t : writers) {
      t.join();
    }
    System.out.printf("  %d statements in %d s = %.0f statements/s; resolved-ts lag max %d ms%n", written.get(),
        seconds, written.get() / (double) seconds, lags.stream().mapToLong(Long::longValue).max().orElse(-1));
  }
}
