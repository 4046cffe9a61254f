package io.kcdc.upstream.tikv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.kv.PercolatorTransaction;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded store behaves as the TiKV release it is configured as, on the points a CDC client
 * depends on (docs/tikv-eventfeed.md). The TiKV sources followed are in tikv/tikv
 * {@code components/cdc/src}: {@code service.rs} (EventFeedV2, the {@code features} header,
 * Conn keyed by request and region), {@code endpoint.rs} ({@code on_register} DuplicateRequest,
 * {@code on_deregister}, {@code Advance::emit_resolved_ts}) and {@code delegate.rs}
 * ({@code on_min_ts}), at the branches release-7.1, release-7.5, release-8.1 and release-8.5.
 */
class EventFeedVersionsIT {
  private static final long CLUSTER_ID = 4343;
  private static final long TABLE = 100;
  private EmbeddedCluster cluster;
  private FeedClient feed;

  private void start(TikvVersion version) {
    cluster = EmbeddedCluster.builder().clusterId(CLUSTER_ID).stores(1).tikvVersion(version)
        .resolvedTsInterval(Duration.ofMillis(50)).start();
  }

  private FeedClient open(boolean multiplexing) {
    feed = new FeedClient(cluster.stores().get(0).address(), CLUSTER_ID, multiplexing);
    return feed;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (feed != null) {
      feed.close();
    }
    cluster.close();
  }

  private static KeySpan handles(long from, long to) {
    return new KeySpan(Codec.encodeBytes(TableCodec.recordKey(TABLE, from)),
        Codec.encodeBytes(TableCodec.recordKey(TABLE, to)));
  }

  private Region tableRegion() {
    return cluster.regions().regionOf(Codec.encodeBytes(TableCodec.recordKey(TABLE, 1)));
  }

  private PercolatorTransaction lock(long handle) {
    PercolatorTransaction txn = cluster.txnKv().begin();
    txn.put(TableCodec.recordKey(TABLE, handle), "locked".getBytes());
    txn.prewrite();
    return txn;
  }

  /** TiKV 7.1 has no EventFeedV2 method: the call fails with UNIMPLEMENTED (TiCDC's fallback cue). */
  @Test
  void oldStoreAnswersEventFeedV2WithUnimplemented() {
    start(TikvVersion.V7_1);
    open(true);
    await().atMost(Duration.ofSeconds(10)).until(feed::completed);
    assertThat(Status.fromThrowable(feed.failure()).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  /** 7.5 serves EventFeedV2; an unknown feature fails the stream with UNIMPLEMENTED (service.rs parse_features). */
  @Test
  void newStoreServesEventFeedV2AndRefusesUnknownFeatures() throws InterruptedException {
    start(TikvVersion.V7_5);
    open(true).closeSend();
    await().atMost(Duration.ofSeconds(10)).until(feed::completed);
    assertThat(feed.failure()).isNull();
    feed.close();
    feed = null;
    var channel = io.grpc.netty.NettyChannelBuilder.forTarget(cluster.stores().get(0).address()).usePlaintext().build();
    try {
      io.grpc.Metadata headers = new io.grpc.Metadata();
      headers.put(FeatureGate.FEATURES, "stream-multiplexing,teleport");
      var failure = new java.util.concurrent.CompletableFuture<Throwable>();
      io.kcdc.kvproto.ChangeDataGrpc.newStub(channel)
          .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
          .eventFeedV2(new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(Cdcpb.ChangeDataEvent value) {}

            @Override
            public void onError(Throwable t) {
              failure.complete(t);
            }

            @Override
            public void onCompleted() {
              failure.complete(null);
            }
          });
      assertThat(Status.fromThrowable(failure.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join()).getCode())
          .isEqualTo(Status.Code.UNIMPLEMENTED);
    } finally {
      channel.shutdownNow();
    }
  }

  /** Before 7.3 a connection keys registrations by region alone: a second request id is a duplicate. */
  @Test
  void oldStoreRefusesTheSameRegionUnderASecondRequestId() {
    start(TikvVersion.V7_1);
    open(false);
    Region r = tableRegion();
    feed.register(1, r, handles(0, 50), 0);
    feed.awaitInitialized(1, r.id());
    feed.register(2, r, handles(50, 100), 0);
    Cdcpb.Error err = feed.await(x -> x.requestId() == 2 && x.error() != null).error();
    assertThat(err.hasDuplicateRequest()).isTrue();
  }

  /**
   * Since 7.3 the same region may be registered under two request ids on one stream; the same
   * pair twice is a duplicate.
   */
  @Test
  void newStoreKeysRegistrationsByRequestAndRegion() {
    start(TikvVersion.V8_1);
    open(false);
    Region r = tableRegion();
    feed.register(1, r, handles(0, 50), 0);
    feed.register(2, r, handles(50, 100), 0);
    feed.awaitInitialized(1, r.id());
    feed.awaitInitialized(2, r.id());
    feed.register(2, r, handles(50, 100), 0);
    assertThat(feed.await(x -> x.requestId() == 2 && x.error() != null).error().hasDuplicateRequest()).isTrue();
  }

  /**
   * A non-multiplexed stream (EventFeed, or EventFeedV2 without the feature) gets resolved ts
   * with request id 0; a multiplexed one gets them per request id (endpoint.rs emit_resolved_ts).
   */
  @Test
  void resolvedTsCarriesTheRequestIdOnlyOnMultiplexedStreams() throws InterruptedException {
    start(TikvVersion.V8_5);
    Region r = tableRegion();
    open(false);
    feed.register(5, r, handles(0, 100), 0);
    feed.await(x -> x.row() == null && x.error() == null && x.resolvedTs() > 0);
    assertThat(feed.all()).filteredOn(x -> x.row() == null && x.error() == null)
        .allSatisfy(x -> assertThat(x.requestId()).isZero());
    feed.close();
    open(true);
    feed.register(6, r, handles(0, 100), 0);
    feed.await(x -> x.row() == null && x.error() == null && x.resolvedTs() > 0);
    assertThat(feed.all()).filteredOn(x -> x.row() == null && x.error() == null)
        .allSatisfy(x -> assertThat(x.requestId()).isEqualTo(6));
  }

  /**
   * From 8.3 each downstream's resolved ts only waits for the locks in its own range; before,
   * every downstream of a region waits for every lock of the region.
   */
  @Test
  void eightFiveResolvesEachDownstreamByItsOwnRange() {
    assertThat(heldBehindForeignLock(TikvVersion.V8_5)).isFalse();
  }

  @Test
  void sevenFiveResolvesAllDownstreamsOfARegionByItsLocks() {
    assertThat(heldBehindForeignLock(TikvVersion.V7_5)).isTrue();
  }

  /** Whether request 2 (range [50, 100)) is held back by a lock in request 1's range [0, 50). */
  private boolean heldBehindForeignLock(TikvVersion version) {
    start(version);
    open(true);
    Region r = tableRegion();
    feed.register(1, r, handles(0, 50), 0);
    feed.register(2, r, handles(50, 100), 0);
    PercolatorTransaction txn = lock(10);
    long afterLock = cluster.txnKv().currentTs();
    // Request 1 is held below the lock in any version; wait until request 2 is past it or held too.
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.resolved(2, r.id()).size() > 5
        && feed.resolved(1, r.id()).stream().anyMatch(ts -> ts > 0));
    cluster.advanceResolvedTs();
    cluster.advanceResolvedTs();
    assertThat(feed.resolved(1, r.id())).allSatisfy(ts -> assertThat(ts).isLessThanOrEqualTo(txn.startTs()));
    List<Long> two = feed.resolved(2, r.id());
    txn.rollback();
    return two.get(two.size() - 1) < afterLock;
  }

  /**
   * On a non-multiplexed 8.5 stream a region registered under several request ids is pushed once
   * per downstream into one heap and popped 8, 32, ... at a time: the same region can come in
   * two request-id-0 batches with two different ts (endpoint.rs ResolvedRegionHeap).
   */
  @Test
  void eightFiveSendsOneRegionInSeveralRequestIdZeroBatches() {
    start(TikvVersion.V8_5);
    open(false);
    Region r = tableRegion();
    for (int req = 1; req <= 10; req++) {
      feed.register(req, r, handles(req * 10L, req * 10L + 10), 0);
    }
    PercolatorTransaction txn = lock(15);
    long afterLock = cluster.txnKv().currentTs();
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.resolved(0, r.id()).stream().anyMatch(ts -> ts > afterLock));
    cluster.advanceResolvedTs();
    List<Long> seen = feed.resolved(0, r.id());
    assertThat(seen).anySatisfy(ts -> assertThat(ts).isLessThanOrEqualTo(txn.startTs()));
    assertThat(seen).anySatisfy(ts -> assertThat(ts).isGreaterThan(afterLock));
    txn.rollback();
  }

  /**
   * A Deregister of one region, or of a whole request, ends each registration it removes with a
   * region_not_found error (endpoint.rs on_deregister); the pair can be registered again.
   */
  @Test
  void deregisterAnswersRegionNotFoundAndFreesTheKey() {
    start(TikvVersion.V8_5);
    open(true);
    Region r = tableRegion();
    feed.register(1, r, handles(0, 50), 0);
    feed.register(2, r, handles(50, 100), 0);
    feed.awaitInitialized(1, r.id());
    feed.awaitInitialized(2, r.id());
    feed.deregister(1, r.id());
    Cdcpb.Error err = feed.await(x -> x.requestId() == 1 && x.error() != null).error();
    assertThat(err.getRegionNotFound().getRegionId()).isEqualTo(r.id());
    feed.register(1, r, handles(0, 50), 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.rows(1, r.id()).stream()
        .filter(x -> x.getType() == Cdcpb.Event.LogType.INITIALIZED).count() == 2);
    assertThat(feed.of(1, r.id())).filteredOn(x -> x.error() != null).hasSize(1);

    feed.deregister(2);
    assertThat(feed.await(x -> x.requestId() == 2 && x.error() != null).error().hasRegionNotFound()).isTrue();
  }
}
