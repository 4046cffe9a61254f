package io.kcdc.upstream.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.ChangeDataGrpc;
import io.kcdc.kvproto.Metapb;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.RowEncoder;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.StoreInfo;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write throughput of the embedded upstream (rows/s through SQL with multi-row JDBC inserts and
 * through the TxnKv Java API) and the EventFeed delivery rate to one gRPC client (the initial
 * scan of committed rows, and live COMMIT rows while writing). Not a test: run it by hand
 * (command in this module's pom). Arguments: {@code rows=N} per phase, {@code batch=N} rows per
 * transaction; {@code tables=N} (0: skipped) runs only the many-tables phase ({@link ManyTables}).
 */
public final class UpstreamBenchmark {
  private static final String PAD = "x".repeat(60);

  private final EmbeddedUpstream upstream;
  private final int rows;
  private final int batch;

  private UpstreamBenchmark(EmbeddedUpstream upstream, int rows, int batch) {
    this.upstream = upstream;
    this.rows = rows;
    this.batch = batch;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>(Map.of("rows", "20000", "batch", "100", "tables", "0",
        "seconds", "20"));
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0 || !opts.containsKey(a.substring(0, eq))) {
        throw new IllegalArgumentException("arguments: rows=N batch=N tables=N seconds=N, not " + a);
      }
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int rows = Integer.parseInt(opts.get("rows"));
    int batch = Integer.parseInt(opts.get("batch"));
    int tables = Integer.parseInt(opts.get("tables"));
    try (EmbeddedUpstream upstream = EmbeddedUpstream.builder().resolvedTsInterval(Duration.ofMillis(200)).start()) {
      if (tables > 0) {
        new ManyTables(upstream, tables, Integer.parseInt(opts.get("seconds"))).run();
      } else {
        new UpstreamBenchmark(upstream, rows, batch).run();
      }
    }
  }

  private void run() throws Exception {
    System.out.printf("embedded upstream benchmark: %d rows per phase, %d rows per transaction, %d cores%n",
        rows, batch, Runtime.getRuntime().availableProcessors());
    try (Connection c = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE bench");
      for (String t : List.of("sql_rows", "txn_rows", "live_rows")) {
        st.execute("CREATE TABLE bench." + t + " (id BIGINT PRIMARY KEY, k INT NOT NULL, c VARCHAR(120), pad VARCHAR(60))");
      }
      report("SQL (JDBC multi-row INSERT)", rows, sqlInserts(st));
    }
    TableInfo txnTable = table("bench", "txn_rows");
    report("TxnKv Java API (2PC puts)", rows, txnKvWrites(txnTable));

    long scanned = System.nanoTime();
    long delivered = feed(txnTable, 0, () -> { }, Set.of(Cdcpb.Event.LogType.COMMITTED));
    report("EventFeed initial scan to 1 client", delivered, System.nanoTime() - scanned);

    TableInfo liveTable = table("bench", "live_rows");
    long live = System.nanoTime();
    // Rows committed before a registration's scan reach it as COMMITTED, later ones as COMMIT.
    delivered = feed(liveTable, upstream.txnKv().currentTs(), () -> txnKvWrites(liveTable),
        Set.of(Cdcpb.Event.LogType.COMMIT, Cdcpb.Event.LogType.COMMITTED));
    report("EventFeed live COMMIT rows to 1 client (writing meanwhile)", delivered, System.nanoTime() - live);
  }

  private long sqlInserts(Statement st) throws SQLException {
    long start = System.nanoTime();
    for (int from = 1; from <= rows; from += batch) {
      StringBuilder sql = new StringBuilder("INSERT INTO bench.sql_rows VALUES ");
      for (int id = from; id < from + batch && id <= rows; id++) {
        sql.append(id > from ? "," : "").append('(').append(id).append(',').append(id % 1000)
            .append(",'row ").append(id).append("','").append(PAD).append("')");
      }
      st.executeUpdate(sql.toString());
    }
    return System.nanoTime() - start;
  }

  private long txnKvWrites(TableInfo table) {
    long start = System.nanoTime();
    List<ColumnInfo> cols = table.columns();
    for (int from = 1; from <= rows; from += batch) {
      Transaction txn = upstream.txnKv().begin();
      for (int id = from; id < from + batch && id <= rows; id++) {
        Map<Long, Object> values = new HashMap<>();
        values.put(cols.get(1).id(), id % 1000);
        values.put(cols.get(2).id(), "row " + id);
        values.put(cols.get(3).id(), PAD);
        txn.put(TableCodec.recordKey(table.id(), id), RowEncoder.encodeV2(table, values));
      }
      txn.commit();
    }
    return System.nanoTime() - start;
  }

  /**
   * Registers every region of the table's record range on one EventFeed stream per store, runs
   * {@code writes}, and waits until {@link #rows} rows of the given types arrived. Returns the count.
   */
  private long feed(TableInfo table, long checkpointTs, Runnable writes, Set<Cdcpb.Event.LogType> types)
      throws InterruptedException {
    byte[] start = Codec.encodeBytes(TableCodec.recordPrefix(table.id()));
    byte[] end = Codec.encodeBytes(MetaCodec.prefixEnd(TableCodec.recordPrefix(table.id())));
    AtomicLong received = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    Map<Long, String> addresses = new HashMap<>();
    for (StoreInfo s : upstream.cluster().stores()) {
      addresses.put(s.id(), s.address());
    }
    Map<Long, List<Region>> byStore = new HashMap<>();
    for (Region r : upstream.cluster().regions().scan(start, end, 0)) {
      byStore.computeIfAbsent(r.leader().storeId(), k -> new ArrayList<>()).add(r);
    }
    List<ManagedChannel> channels = new ArrayList<>();
    long requestId = 0;
    for (Map.Entry<Long, List<Region>> e : byStore.entrySet()) {
      ManagedChannel ch = NettyChannelBuilder.forTarget(addresses.get(e.getKey())).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      channels.add(ch);
      StreamObserver<Cdcpb.ChangeDataRequest> requests = ChangeDataGrpc.newStub(ch).eventFeed(new StreamObserver<>() {
        @Override
        public void onNext(Cdcpb.ChangeDataEvent event) {
          long n = 0;
          for (Cdcpb.Event ev : event.getEventsList()) {
            for (Cdcpb.Event.Row row : ev.getEntries().getEntriesList()) {
              if (types.contains(row.getType())) {
                n++;
              }
            }
          }
          if (received.addAndGet(n) >= rows) {
            done.countDown();
          }
        }

        @Override
        public void onError(Throwable t) {
          done.countDown();
        }

        @Override
        public void onCompleted() {
          done.countDown();
        }
      });
      for (Region r : e.getValue()) {
        requests.onNext(Cdcpb.ChangeDataRequest.newBuilder()
            .setRequestId(++requestId)
            .setRegionId(r.id())
            .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(r.confVer()).setVersion(r.version()))
            .setCheckpointTs(checkpointTs)
            .setStartKey(ByteString.copyFrom(start))
            .setEndKey(ByteString.copyFrom(end))
            .build());
      }
    }
    try {
      writes.run();
      if (!done.await(2, TimeUnit.MINUTES)) {
        System.out.println("  (timed out waiting for the feed)");
      }
      return received.get();
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  private TableInfo table(String db, String name) {
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    byte[] dbs = MetaCodec.hashPrefix(MetaCodec.DBS);
    for (KvPair p : snap.scan(dbs, MetaCodec.prefixEnd(dbs), Integer.MAX_VALUE)) {
      DBInfo info = SchemaJson.read(p.value(), DBInfo.class);
      if (info.name().l().equals(db)) {
        byte[] tables = MetaCodec.hashPrefix(MetaCodec.dbKey(info.id()));
        for (KvPair t : snap.scan(tables, MetaCodec.prefixEnd(tables), Integer.MAX_VALUE)) {
          if (MetaCodec.isTableField(MetaCodec.hashField(t.key()))) {
            TableInfo ti = SchemaJson.read(t.value(), TableInfo.class);
            if (ti.name().l().equals(name)) {
              return ti;
            }
          }
        }
      }
    }
    throw new IllegalStateException("no table " + db + "." + name);
  }

  private static void report(String what, long count, long nanos) {
    double seconds = nanos / 1e9;
    System.out.printf("%-60s %9d rows in %7.2f s = %10.0f rows/s%n", what, count, seconds, count / seconds);
  }
}
