package io.kcdc.upstream.tikv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.kvproto.Metapb;
import io.kcdc.kvproto.TikvGrpc;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.kv.PercolatorTransaction;
import io.kcdc.upstream.kv.Transaction;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TikvKvServiceIT {
  private static final long TABLE = 77;
  private static EmbeddedCluster cluster;
  private static ManagedChannel channel;
  private static TikvGrpc.TikvBlockingStub kv;
  private static long c1;
  private static long c2;

  @BeforeAll
  static void start() {
    cluster = EmbeddedCluster.builder().stores(1)
        .splitKeys(List.of(Codec.encodeBytes(TableCodec.recordKey(TABLE, 100)))).start();
    channel = NettyChannelBuilder.forTarget(cluster.stores().get(0).address()).usePlaintext().build();
    kv = TikvGrpc.newBlockingStub(channel);
    Transaction t1 = cluster.txnKv().begin();
    for (long h = 1; h <= 3; h++) {
      t1.put(key(h), ("v1-" + h).getBytes());
    }
    t1.put(key(150), "right".getBytes());
    t1.put("mDB:1".getBytes(), "meta".getBytes());
    c1 = t1.commit();
    Transaction t2 = cluster.txnKv().begin();
    t2.put(key(1), "v2-1".getBytes());
    t2.delete(key(2));
    c2 = t2.commit();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cluster.close();
  }

  private static byte[] key(long handle) {
    return TableCodec.recordKey(TABLE, handle);
  }

  private static Kvrpcpb.Context ctx(byte[] rawKey) {
    Region r = cluster.regions().regionOf(Codec.encodeBytes(rawKey));
    return Kvrpcpb.Context.newBuilder().setRegionId(r.id())
        .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(r.confVer()).setVersion(r.version()))
        .build();
  }

  private static Kvrpcpb.GetResponse get(byte[] key, long version, Kvrpcpb.Context ctx) {
    return kv.kvGet(Kvrpcpb.GetRequest.newBuilder().setContext(ctx).setKey(ByteString.copyFrom(key))
        .setVersion(version).setNeedCommitTs(true).build());
  }

  @Test
  void getReadsTheVersionVisibleAtTs() {
    assertThat(get(key(1), c1 - 1, ctx(key(1))).getNotFound()).isTrue();
    Kvrpcpb.GetResponse atC1 = get(key(1), c1, ctx(key(1)));
    assertThat(atC1.getValue().toStringUtf8()).isEqualTo("v1-1");
    assertThat(atC1.getCommitTs()).isEqualTo(c1);
    assertThat(get(key(1), c2, ctx(key(1))).getValue().toStringUtf8()).isEqualTo("v2-1");
    assertThat(get(key(2), c2, ctx(key(2))).getNotFound()).isTrue();
    assertThat(get("mDB:1".getBytes(), c2, ctx("mDB:1".getBytes())).getValue().toStringUtf8()).isEqualTo("meta");
  }

  @Test
  void requestsForKeysOutsideTheRegionGetRegionErrors() {
    Kvrpcpb.GetResponse wrong = get("mDB:1".getBytes(), c2, ctx(key(1)));
    assertThat(wrong.getRegionError().hasKeyNotInRegion()).isTrue();
    Kvrpcpb.Context stale = ctx(key(1)).toBuilder()
        .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(0)).build();
    assertThat(get(key(1), c2, stale).getRegionError().hasEpochNotMatch()).isTrue();
    Kvrpcpb.Context missing = Kvrpcpb.Context.newBuilder().setRegionId(123_456).build();
    assertThat(get(key(1), c2, missing).getRegionError().getRegionNotFound().getRegionId()).isEqualTo(123_456);
  }

  @Test
  void scanReturnsRawKeysAtVersionUpToTheRegionEnd() {
    Kvrpcpb.ScanResponse atC1 = kv.kvScan(Kvrpcpb.ScanRequest.newBuilder().setContext(ctx(key(1)))
        .setStartKey(ByteString.copyFrom(TableCodec.recordPrefix(TABLE))).setVersion(c1).setLimit(100).build());
    assertThat(atC1.getPairsList()).extracting(p -> p.getValue().toStringUtf8())
        .containsExactly("v1-1", "v1-2", "v1-3");
    assertThat(atC1.getPairs(0).getKey().toByteArray()).isEqualTo(key(1));
    Kvrpcpb.ScanResponse atC2 = kv.kvScan(Kvrpcpb.ScanRequest.newBuilder().setContext(ctx(key(1)))
        .setStartKey(ByteString.copyFrom(key(1))).setEndKey(ByteString.copyFrom(key(3)))
        .setVersion(c2).setLimit(100).build());
    assertThat(atC2.getPairsList()).extracting(p -> p.getValue().toStringUtf8()).containsExactly("v2-1");
    Kvrpcpb.ScanResponse limited = kv.kvScan(Kvrpcpb.ScanRequest.newBuilder().setContext(ctx(key(1)))
        .setStartKey(ByteString.copyFrom(key(1))).setVersion(c1).setLimit(2).setKeyOnly(true).build());
    assertThat(limited.getPairsCount()).isEqualTo(2);
    assertThat(limited.getPairs(0).getValue().isEmpty()).isTrue();
    Kvrpcpb.ScanResponse right = kv.kvScan(Kvrpcpb.ScanRequest.newBuilder().setContext(ctx(key(150)))
        .setStartKey(ByteString.copyFrom(key(100))).setVersion(c2).setLimit(100).build());
    assertThat(right.getPairsList()).extracting(p -> p.getValue().toStringUtf8()).containsExactly("right");
  }

  @Test
  void batchGetAndScanLock() {
    Kvrpcpb.BatchGetResponse batch = kv.kvBatchGet(Kvrpcpb.BatchGetRequest.newBuilder().setContext(ctx(key(1)))
        .addKeys(ByteString.copyFrom(key(1))).addKeys(ByteString.copyFrom(key(2))).addKeys(ByteString.copyFrom(key(3)))
        .setVersion(c2).build());
    assertThat(batch.getPairsList()).extracting(p -> p.getValue().toStringUtf8()).containsExactly("v2-1", "v1-3");

    PercolatorTransaction txn = cluster.txnKv().begin();
    txn.put(key(50), "locked".getBytes());
    txn.prewrite();
    try {
      Kvrpcpb.ScanLockResponse locks = kv.kvScanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(ctx(key(50)))
          .setMaxVersion(cluster.txnKv().currentTs()).setLimit(10).build());
      assertThat(locks.getLocksList()).hasSize(1);
      assertThat(locks.getLocks(0).getLockVersion()).isEqualTo(txn.startTs());
      assertThat(locks.getLocks(0).getKey().toByteArray()).isEqualTo(key(50));
      assertThat(kv.kvScanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(ctx(key(50)))
          .setMaxVersion(txn.startTs() - 1).setLimit(10).build()).getLocksCount()).isZero();
    } finally {
      txn.rollback();
    }
  }
}
