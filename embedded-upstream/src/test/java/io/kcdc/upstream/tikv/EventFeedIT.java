package io.kcdc.upstream.tikv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.Cdcpb.Event.LogType;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.kv.PercolatorTransaction;
import io.kcdc.upstream.kv.Transaction;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventFeedIT {
  private static final long CLUSTER_ID = 4242;
  private static final long SPLIT_HANDLE = 1_000;
  private static EmbeddedCluster cluster;
  private static long nextTable = 100;

  private FeedClient feed;
  private long table;
  private KeySpan span;

  @BeforeAll
  static void start() {
    cluster = EmbeddedCluster.builder().clusterId(CLUSTER_ID).stores(1).resolvedTsInterval(Duration.ofMillis(100)).start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void open() {
    // A fresh table per test, cut into two regions at SPLIT_HANDLE.
    table = nextTable++;
    span = TableCodec.tableSpan(table);
    cluster.split(Codec.encodeBytes(TableCodec.recordKey(table, SPLIT_HANDLE)));
    feed = new FeedClient(cluster.stores().get(0).address(), CLUSTER_ID);
  }

  @AfterEach
  void close() throws InterruptedException {
    feed.close();
  }

  private byte[] key(long handle) {
    return TableCodec.recordKey(table, handle);
  }

  private Region regionOf(long handle) {
    return cluster.regions().regionOf(Codec.encodeBytes(key(handle)));
  }

  private long write(long handle, String value) {
    Transaction txn = cluster.txnKv().begin();
    if (value == null) {
      txn.delete(key(handle));
    } else {
      txn.put(key(handle), value.getBytes());
    }
    return txn.commit();
  }

  @Test
  void initialScanThenInitializedThenLiveRowsWithRawKeysOnlyFromRange() {
    long c1 = write(1, "a");
    write(2, "b");
    Transaction other = cluster.txnKv().begin();
    other.put(TableCodec.recordKey(table + 10_000, 1), "elsewhere".getBytes());
    other.put("mDB:1".getBytes(), "meta".getBytes());
    other.commit();
    Region left = regionOf(1);
    feed.register(7, left, span, c1 - 1);

    feed.await(r -> r.row() != null && r.row().getType() == LogType.INITIALIZED);
    List<Cdcpb.Event.Row> initial = feed.rows(7, left.id());
    assertThat(initial).extracting(Cdcpb.Event.Row::getType)
        .containsExactly(LogType.COMMITTED, LogType.COMMITTED, LogType.INITIALIZED);
    assertThat(initial.get(0).getKey().toByteArray()).isEqualTo(key(1));
    assertThat(initial.get(0).getValue().toStringUtf8()).isEqualTo("a");
    assertThat(initial.get(0).getCommitTs()).isEqualTo(c1);
    assertThat(initial.get(0).getOpType()).isEqualTo(Cdcpb.Event.Row.OpType.PUT);

    long c3 = write(1, "a2");
    long c4 = write(2, null);
    write(SPLIT_HANDLE + 1, "right region");
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.rows(7, left.id()).size() >= 7);
    List<Cdcpb.Event.Row> live = feed.rows(7, left.id()).subList(3, 7);
    assertThat(live).extracting(Cdcpb.Event.Row::getType)
        .containsExactly(LogType.PREWRITE, LogType.COMMIT, LogType.PREWRITE, LogType.COMMIT);
    assertThat(live.get(0).getValue().toStringUtf8()).isEqualTo("a2");
    assertThat(live.get(0).getOldValue().toStringUtf8()).isEqualTo("a");
    assertThat(live.get(1).getCommitTs()).isEqualTo(c3);
    assertThat(live.get(1).getStartTs()).isEqualTo(live.get(0).getStartTs());
    assertThat(live.get(1).getKey().toByteArray()).isEqualTo(key(1));
    assertThat(live.get(2).getOpType()).isEqualTo(Cdcpb.Event.Row.OpType.DELETE);
    assertThat(live.get(2).getOldValue().toStringUtf8()).isEqualTo("b");
    assertThat(live.get(3).getCommitTs()).isEqualTo(c4);
    // Nothing from other tables, the meta region or the right half of this table.
    assertThat(feed.all()).filteredOn(r -> r.row() != null && r.row().getType() != LogType.INITIALIZED)
        .allSatisfy(r -> assertThat(span.contains(Codec.encodeBytes(r.row().getKey().toByteArray()))).isTrue());
    assertThat(feed.rows(7, left.id())).noneMatch(r -> r.getKey().toByteArray().length > 0
        && java.util.Arrays.equals(r.getKey().toByteArray(), key(SPLIT_HANDLE + 1)));
  }

  @Test
  void twoRegionsOfOneTableFeedTheirOwnRows() {
    Region left = regionOf(5);
    Region right = regionOf(SPLIT_HANDLE + 5);
    assertThat(left.id()).isNotEqualTo(right.id());
    feed.register(1, left, span.intersect(left.span()), 0);
    feed.register(1, right, span.intersect(right.span()), 0);
    feed.awaitInitialized(1, left.id());
    feed.awaitInitialized(1, right.id());
    write(5, "l");
    write(SPLIT_HANDLE + 5, "r");
    feed.await(r -> r.regionId() == right.id() && r.row() != null && r.row().getType() == LogType.COMMIT);
    feed.await(r -> r.regionId() == left.id() && r.row() != null && r.row().getType() == LogType.COMMIT);
    assertThat(feed.rows(1, left.id())).filteredOn(r -> r.getType() == LogType.PREWRITE)
        .extracting(r -> r.getValue().toStringUtf8()).containsExactly("l");
    assertThat(feed.rows(1, right.id())).filteredOn(r -> r.getType() == LogType.PREWRITE)
        .extracting(r -> r.getValue().toStringUtf8()).containsExactly("r");
  }

  @Test
  void resolvedTsAdvancesAfterInitializedAndLocksHoldItBack() {
    Region left = regionOf(1);
    Region right = regionOf(SPLIT_HANDLE + 1);
    feed.register(3, left, span, 0);
    // Its own request: TiKV batches a request's regions slowest first, each batch at its minimum.
    feed.register(4, right, span, 0);
    long before = cluster.txnKv().currentTs();
    feed.await(r -> r.regionId() == left.id() && r.row() == null && r.error() == null && r.resolvedTs() > before);
    // The region's INITIALIZED comes before its first resolved ts.
    List<FeedClient.Received> seq = feed.of(3, left.id());
    assertThat(seq.get(0).row().getType()).isEqualTo(LogType.INITIALIZED);

    PercolatorTransaction txn = cluster.txnKv().begin();
    txn.put(key(1), "held".getBytes());
    txn.prewrite();
    long afterLock = cluster.txnKv().currentTs();
    // Wait for a few rounds on the right region to pass the lock...
    feed.await(r -> r.requestId() == 4 && r.regionId() == right.id() && r.resolvedTs() > afterLock);
    cluster.advanceResolvedTs();
    cluster.advanceResolvedTs();
    List<Long> leftTs = feed.resolved(3, left.id());
    int rounds = leftTs.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.resolved(3, left.id()).size() >= rounds + 2);
    // ... while the left region is held at or below the lock's start ts.
    List<Long> after = feed.resolved(3, left.id());
    long held = after.get(after.size() - 1);
    assertThat(held).isLessThan(afterLock);
    assertThat(after.get(after.size() - 2)).isEqualTo(held);

    long commitTs = txn.commitPrewritten();
    assertThat(commitTs).isGreaterThan(held);
    feed.await(r -> r.regionId() == left.id() && r.row() == null && r.error() == null && r.resolvedTs() > commitTs);
    // Every COMMIT arrived before any resolved ts that covers it, and resolved ts never went back.
    long maxResolved = 0;
    for (FeedClient.Received r : feed.of(3, left.id())) {
      if (r.row() != null && r.row().getType() == LogType.COMMIT) {
        assertThat(r.row().getCommitTs()).isGreaterThan(maxResolved);
      } else if (r.row() == null && r.error() == null) {
        assertThat(r.resolvedTs()).isGreaterThanOrEqualTo(maxResolved);
        maxResolved = r.resolvedTs();
      }
    }
  }

  @Test
  void staleEpochUnknownRegionAndWrongClusterGetErrors() {
    Region left = regionOf(1);
    feed.register(11, left, span, 0, left.version() - 1, CLUSTER_ID, Kvrpcpb.ExtraOp.ReadOldValue);
    FeedClient.Received stale = feed.await(r -> r.requestId() == 11 && r.error() != null);
    assertThat(stale.error().hasEpochNotMatch()).isTrue();
    assertThat(stale.error().getEpochNotMatch().getCurrentRegionsList())
        .anySatisfy(m -> assertThat(m.getId()).isEqualTo(left.id()));

    Region ghost = new Region(987_654, left.span(), 1, 1, left.peers(), left.leader());
    feed.register(12, ghost, span, 0);
    assertThat(feed.await(r -> r.requestId() == 12 && r.error() != null).error().getRegionNotFound().getRegionId())
        .isEqualTo(987_654);

    feed.register(13, left, span, 0, left.version(), CLUSTER_ID + 1, Kvrpcpb.ExtraOp.ReadOldValue);
    Cdcpb.Error mismatch = feed.await(r -> r.requestId() == 13 && r.error() != null).error();
    assertThat(mismatch.getClusterIdMismatch().getCurrent()).isEqualTo(CLUSTER_ID);
    assertThat(mismatch.getClusterIdMismatch().getRequest()).isEqualTo(CLUSTER_ID + 1);

    feed.register(14, left, span, 0);
    feed.register(14, left, span, 0);
    assertThat(feed.await(r -> r.requestId() == 14 && r.error() != null).error().hasDuplicateRequest()).isTrue();
  }

  @Test
  void splitEndsRegistrationWithEpochNotMatch() {
    Region left = regionOf(1);
    feed.register(21, left, span, 0);
    feed.await(r -> r.requestId() == 21 && r.row() != null && r.row().getType() == LogType.INITIALIZED);
    List<Region> now = cluster.split(Codec.encodeBytes(key(500)));
    Cdcpb.Error err = feed.await(r -> r.requestId() == 21 && r.error() != null).error();
    assertThat(err.getEpochNotMatch().getCurrentRegionsList()).extracting(m -> m.getId())
        .containsExactly(now.get(0).id(), now.get(1).id());
    assertThat(err.getEpochNotMatch().getCurrentRegions(0).getRegionEpoch().getVersion())
        .isEqualTo(left.version() + 1);
    // The new regions register fine with their new epochs.
    feed.register(22, now.get(1), span, 0);
    feed.awaitInitialized(22, now.get(1).id());
    write(600, "after split");
    feed.await(r -> r.requestId() == 22 && r.row() != null && r.row().getType() == LogType.COMMIT);
  }

  @Test
  void deregisterStopsRowsAndNoopOmitsOldValue() {
    Region left = regionOf(1);
    write(1, "v1");
    feed.register(31, left, span, 0);
    feed.register(32, left, span, 0, left.version(), CLUSTER_ID, Kvrpcpb.ExtraOp.Noop);
    feed.await(r -> r.requestId() == 32 && r.row() != null && r.row().getType() == LogType.INITIALIZED);
    feed.await(r -> r.requestId() == 31 && r.row() != null && r.row().getType() == LogType.INITIALIZED);
    feed.deregister(31);
    // Requests on a stream are handled in order: once 33 is initialized, 31 is gone.
    feed.register(33, left, span, 0);
    feed.awaitInitialized(33, left.id());
    write(1, "v2");
    feed.await(r -> r.requestId() == 32 && r.row() != null && r.row().getType() == LogType.COMMIT);
    assertThat(feed.rows(31, left.id())).extracting(Cdcpb.Event.Row::getType)
        .containsExactly(LogType.COMMITTED, LogType.INITIALIZED);
    Cdcpb.Event.Row prewrite = feed.rows(32, left.id()).stream()
        .filter(r -> r.getType() == LogType.PREWRITE).findFirst().orElseThrow();
    assertThat(prewrite.getValue().toStringUtf8()).isEqualTo("v2");
    assertThat(prewrite.getOldValue().isEmpty()).isTrue();
  }

  @Test
  void initialScanReportsPendingLocksAsPrewrites() {
    Region left = regionOf(1);
    PercolatorTransaction txn = cluster.txnKv().begin();
    txn.put(key(9), "pending".getBytes());
    txn.prewrite();
    feed.register(41, left, span, 0);
    feed.await(r -> r.requestId() == 41 && r.row() != null && r.row().getType() == LogType.INITIALIZED);
    long commitTs = txn.commitPrewritten();
    feed.await(r -> r.requestId() == 41 && r.row() != null && r.row().getType() == LogType.COMMIT);
    List<Cdcpb.Event.Row> rows = feed.rows(41, left.id());
    assertThat(rows).extracting(Cdcpb.Event.Row::getType)
        .containsExactly(LogType.PREWRITE, LogType.INITIALIZED, LogType.COMMIT);
    assertThat(rows.get(0).getStartTs()).isEqualTo(txn.startTs());
    assertThat(rows.get(2).getCommitTs()).isEqualTo(commitTs);
  }

  @Test
  void pessimisticLocksAreNoEventsAndHoldNoResolvedTsWhileTheCommitIsTheUsualPrewriteAndCommit() {
    Region left = regionOf(1);
    write(1, "before");
    feed.register(51, left, span, 0);
    feed.awaitInitialized(51, left.id());
    Transaction txn = cluster.txnKv().beginPessimistic();
    txn.startStatement(cluster.txnKv().currentTs());
    txn.put(key(1), "locked".getBytes());
    txn.put(key(2), "new".getBytes());
    txn.lockStatementKeys(1_000);
    txn.endStatement(true);
    long afterLock = cluster.txnKv().currentTs();
    // Resolved ts passes the locks' start ts and the rows only hold the initial scan...
    feed.await(r -> r.requestId() == 51 && r.regionId() == left.id() && r.row() == null && r.error() == null
        && r.resolvedTs() > afterLock);
    assertThat(feed.rows(51, left.id())).extracting(Cdcpb.Event.Row::getType)
        .containsExactly(LogType.COMMITTED, LogType.INITIALIZED);
    // ... and an incremental scan reports no PREWRITE for them.
    feed.register(52, left, span, 0);
    feed.awaitInitialized(52, left.id());
    assertThat(feed.rows(52, left.id())).extracting(Cdcpb.Event.Row::getType)
        .containsExactly(LogType.COMMITTED, LogType.INITIALIZED);

    long commitTs = txn.commit();
    feed.await(r -> r.requestId() == 51 && r.row() != null && r.row().getType() == LogType.COMMIT
        && java.util.Arrays.equals(r.row().getKey().toByteArray(), key(2)));
    List<Cdcpb.Event.Row> live = feed.rows(51, left.id()).subList(2, 6);
    assertThat(live).extracting(Cdcpb.Event.Row::getType)
        .containsExactly(LogType.PREWRITE, LogType.PREWRITE, LogType.COMMIT, LogType.COMMIT);
    assertThat(live).allSatisfy(r -> assertThat(r.getStartTs()).isEqualTo(txn.startTs()));
    assertThat(live.get(0).getValue().toStringUtf8()).isEqualTo("locked");
    assertThat(live.get(0).getOldValue().toStringUtf8()).isEqualTo("before");
    assertThat(live.get(2).getCommitTs()).isEqualTo(commitTs);
    // The resolved ts sent past the start ts never passed the commit ts.
    long maxResolved = 0;
    for (FeedClient.Received r : feed.of(51, left.id())) {
      if (r.row() != null && r.row().getType() == LogType.COMMIT) {
        assertThat(r.row().getCommitTs()).isGreaterThan(maxResolved);
      } else if (r.row() == null && r.error() == null) {
        maxResolved = Math.max(maxResolved, r.resolvedTs());
      }
    }
    assertThat(maxResolved).isGreaterThan(txn.startTs());
  }

  @Test
  void halfCloseEndsStreamLikeTiKvForMultiplexingProbe() {
    feed.closeSend();
    await().atMost(Duration.ofSeconds(10)).until(feed::completed);
  }
}
