package io.kcdc.upstream.tikv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.Cdcpb.Event.LogType;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.kvproto.Metapb;
import io.kcdc.kvproto.PDGrpc;
import io.kcdc.kvproto.Pdpb;
import io.kcdc.kvproto.TikvGrpc;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.StoreInfo;
import io.kcdc.upstream.kv.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each injected fault as a TiCDC client sees it over the real ChangeData, Tikv and PD services. */
class ClusterFaultsIT {
  private static final long CLUSTER_ID = 4343;
  private static final long TABLE = 100;
  private EmbeddedCluster cluster;
  private final List<FeedClient> feeds = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final KeySpan span = TableCodec.tableSpan(TABLE);

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().clusterId(CLUSTER_ID).resolvedTsInterval(Duration.ofMillis(50))
        .splitKeys(List.of(encoded(1_000))).start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (FeedClient f : feeds) {
      f.close();
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  private static byte[] encoded(long handle) {
    return Codec.encodeBytes(TableCodec.recordKey(TABLE, handle));
  }

  private Region regionOf(long handle) {
    return cluster.regions().regionOf(encoded(handle));
  }

  private StoreInfo store(long storeId) {
    return cluster.stores().stream().filter(s -> s.id() == storeId).findFirst().orElseThrow();
  }

  /** A stream to the store leading {@code region}. */
  private FeedClient feedTo(long storeId) {
    FeedClient f = new FeedClient(store(storeId).address(), CLUSTER_ID);
    feeds.add(f);
    return f;
  }

  private ManagedChannel channel(String address) {
    ManagedChannel c = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    channels.add(c);
    return c;
  }

  private long write(long handle, String value) {
    Transaction txn = cluster.txnKv().begin();
    txn.put(TableCodec.recordKey(TABLE, handle), value.getBytes());
    return txn.commit();
  }

  private Cdcpb.Error awaitError(FeedClient feed, long requestId) {
    return feed.await(r -> r.requestId() == requestId && r.error() != null).error();
  }

  @Test
  void threeStoresWithLeadersSpreadOverThem() {
    assertThat(cluster.stores()).extracting(StoreInfo::id).hasSize(3);
    assertThat(cluster.regions().all()).extracting(r -> r.leader().storeId()).doesNotHaveDuplicates();
    var pd = PDGrpc.newBlockingStub(channel(cluster.pdAddress()));
    assertThat(pd.getAllStores(Pdpb.GetAllStoresRequest.getDefaultInstance()).getStoresList()).hasSize(3);
  }

  @Test
  void splitAndMergeEndRegistrationsWithEpochNotMatchAndRegionNotFound() {
    Region right = regionOf(1_000);
    FeedClient feed = feedTo(right.leader().storeId());
    feed.register(1, right, span, 0);
    feed.awaitInitialized(1, right.id());

    List<Region> halves = cluster.faults().splitRegion(encoded(2_000));
    Cdcpb.Error split = awaitError(feed, 1);
    assertThat(split.getEpochNotMatch().getCurrentRegionsList()).extracting(Metapb.Region::getId)
        .containsExactly(halves.get(0).id(), halves.get(1).id());
    // PD answers with the new regions at once.
    var pd = PDGrpc.newBlockingStub(channel(cluster.pdAddress()));
    Pdpb.GetRegionResponse byKey = pd.getRegion(Pdpb.GetRegionRequest.newBuilder()
        .setRegionKey(com.google.protobuf.ByteString.copyFrom(encoded(2_500))).build());
    assertThat(byKey.getRegion().getId()).isEqualTo(halves.get(1).id());

    feed.register(2, halves.get(0), span, 0);
    feed.register(2, halves.get(1), span, 0);
    feed.awaitInitialized(2, halves.get(0).id());
    feed.awaitInitialized(2, halves.get(1).id());
    Region merged = cluster.faults().mergeRegions(halves.get(0).id(), halves.get(1).id());
    assertThat(awaitError(feed, 2).hasEpochNotMatch() || awaitError(feed, 2).hasRegionNotFound()).isTrue();
    feed.await(r -> r.requestId() == 2 && r.regionId() == halves.get(1).id() && r.error() != null
        && r.error().getRegionNotFound().getRegionId() == halves.get(1).id());
    Cdcpb.Error left = feed.await(r -> r.requestId() == 2 && r.regionId() == halves.get(0).id()
        && r.error() != null).error();
    assertThat(left.getEpochNotMatch().getCurrentRegionsList()).extracting(Metapb.Region::getId)
        .containsExactly(merged.id());
    assertThat(pd.getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder().setRegionId(halves.get(1).id()).build())
        .hasRegion()).isFalse();

    // The merged region serves rows from both former halves.
    feed.register(3, merged, span, 0);
    feed.awaitInitialized(3, merged.id());
    write(1_500, "x");
    write(2_500, "y");
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.rows(3, merged.id()).stream()
        .filter(r -> r.getType() == LogType.COMMIT).count() == 2);
  }

  @Test
  void leaderTransferEndsRegistrationWithNotLeaderNamingTheNewLeader() {
    Region region = regionOf(1);
    long oldStore = region.leader().storeId();
    long newStore = cluster.stores().stream().map(StoreInfo::id).filter(id -> id != oldStore).findFirst().orElseThrow();
    FeedClient feed = feedTo(oldStore);
    feed.register(5, region, span, 0);
    feed.awaitInitialized(5, region.id());

    Region moved = cluster.faults().transferLeader(region.id(), newStore);
    Cdcpb.Error err = awaitError(feed, 5);
    assertThat(err.getNotLeader().getRegionId()).isEqualTo(region.id());
    assertThat(err.getNotLeader().getLeader().getStoreId()).isEqualTo(newStore);
    var pd = PDGrpc.newBlockingStub(channel(cluster.pdAddress()));
    assertThat(pd.getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder().setRegionId(region.id()).build())
        .getLeader().getStoreId()).isEqualTo(newStore);

    // The old store refuses new registrations; the new leader serves them.
    feed.register(6, moved, span, 0);
    assertThat(awaitError(feed, 6).hasNotLeader()).isTrue();
    FeedClient onLeader = feedTo(newStore);
    onLeader.register(7, moved, span, 0);
    onLeader.awaitInitialized(7, moved.id());
    long commitTs = write(3, "on new leader");
    onLeader.await(r -> r.requestId() == 7 && r.row() != null && r.row().getCommitTs() == commitTs);
  }

  @Test
  void restartedStoreFailsItsStreamsAndComesBackOnTheSameAddress() {
    Region region = regionOf(1);
    long storeId = region.leader().storeId();
    String address = store(storeId).address();
    FeedClient feed = feedTo(storeId);
    feed.register(8, region, span, 0);
    feed.awaitInitialized(8, region.id());

    cluster.faults().restartStore(storeId);
    await().atMost(Duration.ofSeconds(10)).until(feed::completed);
    assertThat(Status.fromThrowable(feed.failure()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(store(storeId).address()).isEqualTo(address);

    FeedClient again = feedTo(storeId);
    again.register(9, region, span, 0);
    again.awaitInitialized(9, region.id());
    long commitTs = write(2, "after restart");
    again.await(r -> r.requestId() == 9 && r.row() != null && r.row().getCommitTs() == commitTs);
  }

  @Test
  void delayedEventsArriveLate() {
    Region region = regionOf(1);
    long storeId = region.leader().storeId();
    FeedClient feed = feedTo(storeId);
    feed.register(10, region, span, 0);
    feed.awaitInitialized(10, region.id());
    cluster.faults().delayEvents(storeId, Duration.ofMillis(700));
    long sent = System.nanoTime();
    long commitTs = write(4, "late");
    feed.await(r -> r.requestId() == 10 && r.row() != null && r.row().getCommitTs() == commitTs);
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    cluster.faults().delayEvents(storeId, Duration.ZERO);
  }

  @Test
  void duplicatedEventsRepeatRowsButNeverCommits() {
    Region region = regionOf(1);
    long storeId = region.leader().storeId();
    write(5, "scanned");
    cluster.faults().duplicateEvents(storeId, true);
    FeedClient feed = feedTo(storeId);
    feed.register(11, region, span, 0);
    feed.awaitInitialized(11, region.id());
    long commitTs = write(6, "live");
    feed.await(r -> r.requestId() == 11 && r.row() != null && r.row().getCommitTs() == commitTs);
    List<Cdcpb.Event.Row> rows = feed.rows(11, region.id());
    assertThat(rows).filteredOn(r -> r.getType() == LogType.COMMITTED).hasSize(2);
    assertThat(rows).filteredOn(r -> r.getType() == LogType.PREWRITE).hasSize(2);
    assertThat(rows).filteredOn(r -> r.getType() == LogType.COMMIT).hasSize(1);
    assertThat(rows).filteredOn(r -> r.getType() == LogType.INITIALIZED).hasSize(1);
    // Each resolved ts comes twice in a row.
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.resolved(11, region.id()).size() >= 4);
    List<Long> resolved = feed.resolved(11, region.id());
    assertThat(resolved.get(0)).isEqualTo(resolved.get(1));
  }

  @Test
  void stalledResolvedTsStopsAdvancingUntilReleased() {
    Region region = regionOf(1);
    FeedClient feed = feedTo(region.leader().storeId());
    feed.register(12, region, span, 0);
    feed.await(r -> r.requestId() == 12 && r.resolvedTs() > 0);
    cluster.faults().stallResolvedTs(region.id(), true);
    // Let rounds computed before the stall arrive first.
    cluster.advanceResolvedTs();
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    int before = feed.resolved(12, region.id()).size();
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.resolved(12, region.id()).size() >= before + 5);
    List<Long> stalled = feed.resolved(12, region.id());
    long held = stalled.get(before + 1);
    assertThat(stalled.subList(before + 1, stalled.size())).containsOnly(held);
    long after = write(7, "x");
    cluster.faults().stallResolvedTs(region.id(), false);
    feed.await(r -> r.requestId() == 12 && r.resolvedTs() > after);
  }

  @Test
  void serverIsBusyEndsRegistrationsAndRefusesTheNextOnes() {
    Region region = regionOf(1);
    FeedClient feed = feedTo(region.leader().storeId());
    feed.register(13, region, span, 0);
    feed.awaitInitialized(13, region.id());
    cluster.faults().serverIsBusy(region.id(), 1);
    assertThat(awaitError(feed, 13).hasServerIsBusy()).isTrue();
    feed.register(14, region, span, 0);
    assertThat(awaitError(feed, 14).hasServerIsBusy()).isTrue();
    feed.register(15, region, span, 0);
    feed.awaitInitialized(15, region.id());
  }

  @Test
  void gcRemovesOldVersionsAndRefusesReadsAndRegistrationsBelowItsSafePoint() {
    long c1 = write(1, "v1");
    long c2 = write(1, "v2");
    var pd = PDGrpc.newBlockingStub(channel(cluster.pdAddress()));
    // A service safepoint bounds GC.
    pd.updateServiceGCSafePoint(Pdpb.UpdateServiceGCSafePointRequest.newBuilder()
        .setServiceId(com.google.protobuf.ByteString.copyFromUtf8("ticdc-default-0")).setTTL(60).setSafePoint(c2)
        .build());
    long requested = cluster.tso().next();
    assertThat(cluster.gc(requested)).isEqualTo(c2);
    assertThat(pd.getGCSafePoint(Pdpb.GetGCSafePointRequest.getDefaultInstance()).getSafePoint()).isEqualTo(c2);

    Region region = regionOf(1);
    var kv = TikvGrpc.newBlockingStub(channel(store(region.leader().storeId()).address()));
    Kvrpcpb.Context ctx = Kvrpcpb.Context.newBuilder().setRegionId(region.id())
        .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(region.confVer()).setVersion(region.version()))
        .build();
    var key = com.google.protobuf.ByteString.copyFrom(TableCodec.recordKey(TABLE, 1));
    Kvrpcpb.GetResponse old = kv.kvGet(Kvrpcpb.GetRequest.newBuilder().setContext(ctx).setKey(key).setVersion(c1)
        .build());
    assertThat(old.getError().getAbort()).contains("GC safe point is " + c2);
    assertThat(kv.kvGet(Kvrpcpb.GetRequest.newBuilder().setContext(ctx).setKey(key).setVersion(c2).build())
        .getValue().toStringUtf8()).isEqualTo("v2");

    FeedClient feed = feedTo(region.leader().storeId());
    feed.register(16, region, span, c1);
    Cdcpb.Error err = awaitError(feed, 16);
    assertThat(err).isEqualTo(Cdcpb.Error.getDefaultInstance());
    feed.register(17, region, span, c2);
    feed.awaitInitialized(17, region.id());
    // The version at the safepoint was kept: nothing above c2 to scan.
    assertThat(feed.rows(17, region.id())).extracting(Cdcpb.Event.Row::getType).containsExactly(LogType.INITIALIZED);
  }

  /** TiCDC's multiplexing probe: EventFeedV2 with the feature header, CloseSend, Recv -> EOF. */
  @Test
  void eventFeedV2AcceptsStreamMultiplexingAndRefusesUnknownFeatures() {
    String address = cluster.stores().get(0).address();
    assertThat(probe(address, "stream-multiplexing")).isNull();
    assertThat(Status.fromThrowable(probe(address, "stream-multiplexing,teleport")).getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  private Throwable probe(String address, String features) {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(FeatureGate.FEATURES, features);
    var stub = io.kcdc.kvproto.ChangeDataGrpc.newStub(channel(address))
        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    java.util.concurrent.CompletableFuture<Throwable> end = new java.util.concurrent.CompletableFuture<>();
    var requests = stub.eventFeedV2(new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(Cdcpb.ChangeDataEvent e) {}

      @Override
      public void onError(Throwable t) {
        end.complete(t);
      }

      @Override
      public void onCompleted() {
        end.complete(null);
      }
    });
    requests.onCompleted();
    return end.orTimeout(10, TimeUnit.SECONDS).join();
  }
}
