package io.kcdc.upstream.pd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kcdc.common.Tso;
import io.kcdc.kvproto.PDGrpc;
import io.kcdc.kvproto.Pdpb;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PdServiceIT {
  private static final long CLUSTER_ID = 6_800_000_000_000_000_123L;
  private static EmbeddedCluster cluster;
  private static ManagedChannel channel;
  private static PDGrpc.PDBlockingStub pd;
  private static final Pdpb.RequestHeader HEADER = Pdpb.RequestHeader.newBuilder().setClusterId(CLUSTER_ID).build();

  @BeforeAll
  static void start() {
    cluster = EmbeddedCluster.builder().clusterId(CLUSTER_ID).stores(2)
        .splitKeys(List.of(Codec.encodeBytes(TableCodec.recordKey(100, 1000)))).start();
    channel = NettyChannelBuilder.forTarget(cluster.pdAddress()).usePlaintext().build();
    pd = PDGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cluster.close();
  }

  @Test
  void membersNameThisPdAsLeaderWithClusterId() {
    Pdpb.GetMembersResponse r = pd.getMembers(Pdpb.GetMembersRequest.getDefaultInstance());
    assertThat(r.getHeader().getClusterId()).isEqualTo(CLUSTER_ID);
    assertThat(r.getMembersList()).hasSize(1);
    assertThat(r.getLeader().getClientUrlsList()).containsExactly("http://" + cluster.pdAddress());
    assertThat(r.getLeader()).isEqualTo(r.getMembers(0));
  }

  @Test
  void tsoStreamHandsOutIncreasingBatches() throws Exception {
    LinkedBlockingQueue<Pdpb.TsoResponse> got = new LinkedBlockingQueue<>();
    StreamObserver<Pdpb.TsoRequest> req = PDGrpc.newStub(channel).tso(new StreamObserver<>() {
      @Override
      public void onNext(Pdpb.TsoResponse v) {
        got.add(v);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    req.onNext(Pdpb.TsoRequest.newBuilder().setHeader(HEADER).setCount(1).build());
    req.onNext(Pdpb.TsoRequest.newBuilder().setHeader(HEADER).setCount(10).build());
    Pdpb.TsoResponse a = got.poll(10, TimeUnit.SECONDS);
    Pdpb.TsoResponse b = got.poll(10, TimeUnit.SECONDS);
    req.onCompleted();
    long tsA = Tso.compose(a.getTimestamp().getPhysical(), a.getTimestamp().getLogical());
    long tsB = Tso.compose(b.getTimestamp().getPhysical(), b.getTimestamp().getLogical());
    assertThat(a.getHeader().getClusterId()).isEqualTo(CLUSTER_ID);
    assertThat(b.getCount()).isEqualTo(10);
    // The batch is tsB-9 .. tsB, all after tsA.
    assertThat(tsB - 9).isGreaterThan(tsA);
    assertThat(Math.abs(a.getTimestamp().getPhysical() - System.currentTimeMillis())).isLessThan(10_000);
  }

  @Test
  void regionsSplitMetaFromTablesAndByKey() {
    byte[] metaKey = Codec.encodeBytes("mDBs".getBytes(StandardCharsets.US_ASCII));
    byte[] rowKey = Codec.encodeBytes(TableCodec.recordKey(100, 5));
    Pdpb.GetRegionResponse meta = pd.getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(HEADER)
        .setRegionKey(ByteString.copyFrom(metaKey)).build());
    Pdpb.GetRegionResponse row = pd.getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(HEADER)
        .setRegionKey(ByteString.copyFrom(rowKey)).build());
    assertThat(meta.getHeader().getClusterId()).isEqualTo(CLUSTER_ID);
    assertThat(meta.getRegion().getId()).isNotEqualTo(row.getRegion().getId());
    assertThat(row.getRegion().getStartKey().toByteArray()).isEqualTo(EmbeddedCluster.TABLE_DATA_SPLIT_KEY);
    assertThat(row.getRegion().getPeersList()).hasSize(2);
    assertThat(row.getRegion().getPeersList()).contains(row.getLeader());

    Pdpb.GetRegionResponse byId = pd.getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder().setHeader(HEADER)
        .setRegionId(row.getRegion().getId()).build());
    assertThat(byId.getRegion()).isEqualTo(row.getRegion());

    var span = TableCodec.tableSpan(100);
    Pdpb.ScanRegionsResponse scan = pd.scanRegions(Pdpb.ScanRegionsRequest.newBuilder().setHeader(HEADER)
        .setStartKey(ByteString.copyFrom(span.start())).setEndKey(ByteString.copyFrom(span.end())).build());
    assertThat(scan.getRegionsCount()).isEqualTo(2);
    assertThat(scan.getRegionMetasCount()).isEqualTo(2);
    assertThat(scan.getLeadersCount()).isEqualTo(2);
    assertThat(scan.getRegions(1).getRegion().getStartKey().toByteArray())
        .isEqualTo(Codec.encodeBytes(TableCodec.recordKey(100, 1000)));
    assertThat(scan.getRegions(0).getRegion()).isEqualTo(scan.getRegionMetas(0));
    assertThat(scan.getRegions(0).getRegion().getEndKey()).isEqualTo(scan.getRegions(1).getRegion().getStartKey());
  }

  @Test
  void storesReportAddressesAndVersion() {
    Pdpb.GetAllStoresResponse all = pd.getAllStores(Pdpb.GetAllStoresRequest.newBuilder().setHeader(HEADER)
        .setExcludeTombstoneStores(true).build());
    assertThat(all.getStoresList()).hasSize(2);
    assertThat(all.getStoresList()).allSatisfy(s -> {
      assertThat(s.getVersion()).isEqualTo("8.5.0");
      assertThat(s.getAddress()).startsWith("127.0.0.1:");
    });
    Pdpb.GetStoreResponse one = pd.getStore(Pdpb.GetStoreRequest.newBuilder().setHeader(HEADER)
        .setStoreId(all.getStores(1).getId()).build());
    assertThat(one.getStore()).isEqualTo(all.getStores(1).toBuilder().setLastHeartbeat(one.getStore().getLastHeartbeat()).build());
    Pdpb.GetStoreResponse missing = pd.getStore(Pdpb.GetStoreRequest.newBuilder().setHeader(HEADER)
        .setStoreId(999).build());
    assertThat(missing.getHeader().getError().getType()).isEqualTo(Pdpb.ErrorType.UNKNOWN);
  }

  @Test
  void serviceSafePointsKeepMinimum() {
    assertThat(pd.getGCSafePoint(Pdpb.GetGCSafePointRequest.newBuilder().setHeader(HEADER).build()).getSafePoint())
        .isZero();
    Pdpb.UpdateServiceGCSafePointResponse a = update("ticdc-default-1", 86_400, 1_000);
    assertThat(a.getMinSafePoint()).isEqualTo(1_000);
    Pdpb.UpdateServiceGCSafePointResponse b = update("ticdc-default-2", 86_400, 2_000);
    assertThat(b.getMinSafePoint()).isEqualTo(1_000);
    assertThat(b.getServiceId().toStringUtf8()).isEqualTo("ticdc-default-1");
    assertThat(b.getTTL()).isBetween(86_000L, 86_400L);
    Pdpb.UpdateServiceGCSafePointResponse removed = update("ticdc-default-1", 0, 0);
    assertThat(removed.getMinSafePoint()).isEqualTo(2_000);
    update("ticdc-default-2", 0, 0);
  }

  private static Pdpb.UpdateServiceGCSafePointResponse update(String service, long ttl, long safePoint) {
    return pd.updateServiceGCSafePoint(Pdpb.UpdateServiceGCSafePointRequest.newBuilder().setHeader(HEADER)
        .setServiceId(ByteString.copyFromUtf8(service)).setTTL(ttl).setSafePoint(safePoint).build());
  }
}
