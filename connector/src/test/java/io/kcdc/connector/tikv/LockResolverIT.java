package io.kcdc.connector.tikv;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.Tso;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.StoreInfo;
import io.kcdc.upstream.kv.Mutation;
import io.kcdc.upstream.kv.MvccLock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector's lock resolver against the embedded TiKV (TiKV v8.5.0's ScanLock, CheckTxnStatus
 * and ResolveLock): what TiCDC's {@code pkg/txnutil/lock_resolver.go} does through client-go's
 * {@code txnkv/txnlock/lock_resolver.go} (callerStartTS 0; a live lock is left, a decided
 * transaction's lock is committed or rolled back; small transactions key by key, big ones per
 * region), across regions and with a leader that moved.
 */
class LockResolverIT {
  private static final long TABLE = 60;
  /** The primary, in the left region. */
  private static final byte[] PRIMARY = TableCodec.recordKey(TABLE, 1);

  private EmbeddedCluster cluster;
  private ChannelPool channels;
  private PdClient pd;
  private RegionCache regions;
  private LockResolver resolver;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().splitKeys(List.of(Codec.encodeBytes(row(100)))).start();
    channels = new ChannelPool();
    pd = new PdClient(List.of(cluster.pdAddress()), channels, Backoff.DEFAULT);
    regions = new RegionCache(pd);
    resolver = new LockResolver(regions, channels, Backoff.DEFAULT);
  }

  @AfterEach
  void stop() {
    pd.close();
    channels.close();
    cluster.close();
  }

  private static byte[] row(long handle) {
    return TableCodec.recordKey(TABLE, handle);
  }

  private Region rightRegion() {
    return cluster.regions().regionOf(Codec.encodeBytes(row(150)));
  }

  /** Prewrites PRIMARY and {@code rows} at {@code startTs} with TiDB's 3 s TTL. */
  private void prewrite(long startTs, List<byte[]> rows) {
    prewrite(PRIMARY, startTs, rows);
  }

  private void prewrite(byte[] primary, long startTs, List<byte[]> rows) {
    List<Mutation> ms = new ArrayList<>();
    ms.add(Mutation.put(primary, "p".getBytes()));
    rows.forEach(r -> ms.add(Mutation.put(r, "v".getBytes())));
    cluster.store().prewrite(ms, primary, startTs, 3_000);
  }

  private List<MvccLock> locks() {
    return cluster.store().scanLocks(new KeySpan(null, null), Long.MAX_VALUE, 1000);
  }

  /** A start ts from {@code agoMs} ago: its 3 s TTL is over when that is more than 3 s. */
  private static long startedAgo(long agoMs) {
    return Tso.compose(System.currentTimeMillis() - agoMs, 0);
  }

  @Test
  void aCommittedPrimaryRollsTheSecondaryForwardAtItsCommitTs() {
    long startTs = cluster.tso().next();
    prewrite(startTs, List.of(row(150)));
    long commitTs = cluster.tso().next();
    cluster.store().commit(List.of(PRIMARY), startTs, commitTs);

    assertThat(resolver.resolve(rightRegion().id(), startTs - 1)).isEqualTo(new LockResolver.Result(0, 0, 0));
    assertThat(resolver.resolve(rightRegion().id(), cluster.tso().next())).isEqualTo(new LockResolver.Result(1, 1, 0));
    assertThat(locks()).isEmpty();
    assertThat(cluster.store().get(row(150), commitTs).orElseThrow().commitTs()).isEqualTo(commitTs);
    assertThat(resolver.resolve(rightRegion().id(), cluster.tso().next())).isEqualTo(new LockResolver.Result(0, 0, 0));
  }

  @Test
  void aLiveTransactionIsLeftAndAnExpiredOneRolledBackWithItsPrimary() {
    long live = cluster.tso().next();
    prewrite(live, List.of(row(150)));
    assertThat(resolver.resolve(rightRegion().id(), cluster.tso().next())).isEqualTo(new LockResolver.Result(1, 0, 1));
    assertThat(locks()).hasSize(2);
    cluster.store().rollback(List.of(PRIMARY, row(150)), live);

    // Another primary: the rollback above left a record newer than this start ts on PRIMARY.
    long expired = startedAgo(10_000);
    prewrite(row(2), expired, List.of(row(160), row(170)));
    assertThat(resolver.resolve(rightRegion().id(), cluster.tso().next())).isEqualTo(new LockResolver.Result(2, 2, 0));
    assertThat(locks()).isEmpty();
    long now = cluster.tso().next();
    assertThat(cluster.store().get(row(160), now)).isEmpty();
    assertThat(cluster.store().get(row(2), now)).isEmpty();
  }

  @Test
  void aBigTransactionIsResolvedRegionWide() {
    long startTs = startedAgo(10_000);
    List<byte[]> rows = new ArrayList<>();
    for (long h = 101; h <= 130; h++) {
      rows.add(row(h));
    }
    prewrite(startTs, rows);
    long commitTs = cluster.tso().next();
    cluster.store().commit(List.of(PRIMARY), startTs, commitTs);
    assertThat(locks()).allSatisfy(l -> assertThat(l.txnSize()).isGreaterThanOrEqualTo(LockResolver.LITE_THRESHOLD));
    assertThat(resolver.resolve(rightRegion().id(), cluster.tso().next())).isEqualTo(new LockResolver.Result(30, 30, 0));
    assertThat(locks()).isEmpty();
    assertThat(cluster.store().get(row(130), commitTs)).isPresent();
  }

  @Test
  void aLeaderThatMovedIsFollowed() {
    long startTs = startedAgo(10_000);
    prewrite(startTs, List.of(row(150)));
    Region right = rightRegion();
    regions.locateById(right.id());
    long other = cluster.stores().stream().map(StoreInfo::id).filter(id -> id != right.leader().storeId())
        .findFirst().orElseThrow();
    cluster.faults().transferLeader(right.id(), other);
    cluster.faults().transferLeader(cluster.regions().regionOf(Codec.encodeBytes(PRIMARY)).id(), other);
    assertThat(resolver.resolve(right.id(), cluster.tso().next())).isEqualTo(new LockResolver.Result(1, 1, 0));
    assertThat(locks()).isEmpty();
  }
}
