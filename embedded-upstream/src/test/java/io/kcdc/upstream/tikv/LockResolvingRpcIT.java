package io.kcdc.upstream.tikv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.kcdc.common.Tso;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.kvproto.Metapb;
import io.kcdc.kvproto.TikvGrpc;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.StoreInfo;
import io.kcdc.upstream.kv.Mutation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lock resolver's RPCs over gRPC on the embedded TiKV, answered as TiKV v8.5.0 answers them
 * ({@code src/server/service/kv.rs}: CheckTxnStatus maps Committed to commit_version, an alive
 * lock to lock_ttl + lock_info, a rollback to its action; {@code src/storage/mod.rs} scan_lock
 * lists locks with start ts <= max_version; {@code src/storage/txn/commands/mod.rs}: ResolveLock
 * with keys is ResolveLockLite, without keys resolves start_version or txn_infos over the region;
 * {@code src/storage/errors.rs}: TxnNotFound, PrimaryMismatch, TxnLockNotFound key errors), with
 * region errors for a wrong store, a stale epoch and a key outside the region.
 */
class LockResolvingRpcIT {
  private static final long TABLE = 90;
  private static final byte[] PRIMARY = TableCodec.recordKey(TABLE, 1);
  private static final byte[] ROW = TableCodec.recordKey(TABLE, 2);
  /** In the right region (split at handle 100). */
  private static final byte[] FAR_ROW = TableCodec.recordKey(TABLE, 150);

  private EmbeddedCluster cluster;
  private final Map<Long, ManagedChannel> channels = new HashMap<>();

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().splitKeys(List.of(Codec.encodeBytes(TableCodec.recordKey(TABLE, 100)))).start();
    for (StoreInfo s : cluster.stores()) {
      channels.put(s.id(), NettyChannelBuilder.forTarget(s.address()).usePlaintext().build());
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  private Region region(byte[] rawKey) {
    return cluster.regions().regionOf(Codec.encodeBytes(rawKey));
  }

  private static Kvrpcpb.Context ctx(Region r) {
    return Kvrpcpb.Context.newBuilder().setRegionId(r.id())
        .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(r.confVer()).setVersion(r.version())).build();
  }

  /** The stub of the store leading {@code r} ({@code leader}) or of another store. */
  private TikvGrpc.TikvBlockingStub kv(Region r, boolean leader) {
    long store = leader ? r.leader().storeId()
        : channels.keySet().stream().filter(id -> id != r.leader().storeId()).findFirst().orElseThrow();
    return TikvGrpc.newBlockingStub(channels.get(store));
  }

  /** Prewrites ROW and FAR_ROW under PRIMARY with TiDB's 3 s TTL; commits the primary if asked. */
  private long orphan(boolean primaryCommitted) {
    long startTs = cluster.tso().next();
    cluster.store().prewrite(List.of(Mutation.put(PRIMARY, "p".getBytes()), Mutation.put(ROW, "r".getBytes()),
        Mutation.put(FAR_ROW, "f".getBytes())), PRIMARY, startTs, 3_000);
    if (primaryCommitted) {
      cluster.store().commit(List.of(PRIMARY), startTs, cluster.tso().next());
    }
    return startTs;
  }

  private Kvrpcpb.CheckTxnStatusResponse checkTxnStatus(long lockTs, long currentTs, boolean rollbackIfNotExist) {
    Region r = region(PRIMARY);
    return kv(r, true).kvCheckTxnStatus(Kvrpcpb.CheckTxnStatusRequest.newBuilder().setContext(ctx(r))
        .setPrimaryKey(ByteString.copyFrom(PRIMARY)).setLockTs(lockTs).setCurrentTs(currentTs)
        .setRollbackIfNotExist(rollbackIfNotExist).setVerifyIsPrimary(true).build());
  }

  private List<Kvrpcpb.LockInfo> scanLocks(byte[] inRegion, long maxVersion) {
    Region r = region(inRegion);
    Kvrpcpb.ScanLockResponse resp = kv(r, true).kvScanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(ctx(r))
        .setMaxVersion(maxVersion).setLimit(1024).build());
    assertThat(resp.hasRegionError()).isFalse();
    return resp.getLocksList();
  }

  private Kvrpcpb.GetResponse get(byte[] key, long ts) {
    Region r = region(key);
    return kv(r, true).kvGet(Kvrpcpb.GetRequest.newBuilder().setContext(ctx(r)).setKey(ByteString.copyFrom(key))
        .setVersion(ts).build());
  }

  @Test
  void aCommittedPrimaryIsRolledForwardKeyByKey() {
    long startTs = orphan(true);
    List<Kvrpcpb.LockInfo> locks = scanLocks(ROW, cluster.tso().next());
    assertThat(locks).singleElement().satisfies(l -> {
      assertThat(l.getKey().toByteArray()).isEqualTo(ROW);
      assertThat(l.getPrimaryLock().toByteArray()).isEqualTo(PRIMARY);
      assertThat(l.getLockVersion()).isEqualTo(startTs);
      assertThat(l.getLockTtl()).isEqualTo(3_000);
      assertThat(l.getTxnSize()).isEqualTo(3);
      assertThat(l.getLockType()).isEqualTo(Kvrpcpb.Op.Put);
    });
    assertThat(scanLocks(ROW, startTs - 1)).isEmpty();

    Kvrpcpb.CheckTxnStatusResponse status = checkTxnStatus(startTs, cluster.tso().next(), false);
    assertThat(status.getLockTtl()).isZero();
    long commitTs = status.getCommitVersion();
    assertThat(commitTs).isGreaterThan(startTs);

    Region r = region(ROW);
    Kvrpcpb.ResolveLockResponse lite = kv(r, true).kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder()
        .setContext(ctx(r)).setStartVersion(startTs).setCommitVersion(commitTs).addKeys(ByteString.copyFrom(ROW))
        .build());
    assertThat(lite.hasRegionError()).isFalse();
    assertThat(lite.hasError()).isFalse();
    assertThat(get(ROW, commitTs).getValue().toStringUtf8()).isEqualTo("r");
    // The right region's lock is untouched until resolved there; a key elsewhere is a region error.
    assertThat(scanLocks(FAR_ROW, Long.MAX_VALUE)).hasSize(1);
    Kvrpcpb.ResolveLockResponse wrongRegion = kv(r, true).kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder()
        .setContext(ctx(r)).setStartVersion(startTs).setCommitVersion(commitTs)
        .addKeys(ByteString.copyFrom(FAR_ROW)).build());
    assertThat(wrongRegion.getRegionError().hasKeyNotInRegion()).isTrue();
  }

  @Test
  void anUncommittedPrimaryIsAliveUntilItsTtlFromTheStartTsThenEveryLockIsRolledBack() {
    long startTs = orphan(false);
    long physical = Tso.physical(startTs);
    Kvrpcpb.CheckTxnStatusResponse alive = checkTxnStatus(startTs, Tso.compose(physical + 3_000, 0), false);
    assertThat(alive.getLockTtl()).isEqualTo(3_000);
    assertThat(alive.getCommitVersion()).isZero();
    assertThat(alive.getAction()).isEqualTo(Kvrpcpb.Action.NoAction);
    assertThat(alive.getLockInfo().getLockVersion()).isEqualTo(startTs);
    assertThat(alive.getLockInfo().getKey().toByteArray()).isEqualTo(PRIMARY);

    Kvrpcpb.CheckTxnStatusResponse expired = checkTxnStatus(startTs, Tso.compose(physical + 3_001, 0), false);
    assertThat(expired.getLockTtl()).isZero();
    assertThat(expired.getCommitVersion()).isZero();
    assertThat(expired.getAction()).isEqualTo(Kvrpcpb.Action.TTLExpireRollback);

    // Region-wide rollback by start_version on the left region, by txn_infos on the right one.
    Region left = region(ROW);
    assertThat(kv(left, true).kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder().setContext(ctx(left))
        .setStartVersion(startTs).build()).hasError()).isFalse();
    Region right = region(FAR_ROW);
    assertThat(kv(right, true).kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder().setContext(ctx(right))
        .addTxnInfos(Kvrpcpb.TxnInfo.newBuilder().setTxn(startTs).setStatus(0)).build()).hasError()).isFalse();
    assertThat(scanLocks(ROW, Long.MAX_VALUE)).isEmpty();
    assertThat(scanLocks(FAR_ROW, Long.MAX_VALUE)).isEmpty();
    long now = cluster.tso().next();
    assertThat(get(ROW, now).getNotFound()).isTrue();
    assertThat(get(FAR_ROW, now).getNotFound()).isTrue();
    // A rolled-back transaction stays rolled back.
    assertThat(checkTxnStatus(startTs, now, false).getAction()).isEqualTo(Kvrpcpb.Action.NoAction);
  }

  @Test
  void keyErrorsAndRegionErrors() {
    long startTs = orphan(false);
    long now = cluster.tso().next();
    // No lock and no record on the primary: TxnNotFound, unless told to roll back.
    Kvrpcpb.CheckTxnStatusResponse notFound = checkTxnStatus(startTs + 1, now, false);
    assertThat(notFound.getError().getTxnNotFound().getStartTs()).isEqualTo(startTs + 1);
    assertThat(notFound.getError().getTxnNotFound().getPrimaryKey().toByteArray()).isEqualTo(PRIMARY);
    assertThat(checkTxnStatus(startTs + 1, now, true).getAction()).isEqualTo(Kvrpcpb.Action.LockNotExistRollback);

    // CheckTxnStatus on a secondary: its lock names another primary.
    Region r = region(ROW);
    Kvrpcpb.CheckTxnStatusResponse mismatch = kv(r, true).kvCheckTxnStatus(Kvrpcpb.CheckTxnStatusRequest.newBuilder()
        .setContext(ctx(r)).setPrimaryKey(ByteString.copyFrom(ROW)).setLockTs(startTs).setCurrentTs(now)
        .setVerifyIsPrimary(true).build());
    assertThat(mismatch.getError().getPrimaryMismatch().getLockInfo().getPrimaryLock().toByteArray()).isEqualTo(PRIMARY);

    // Committing a key without the transaction's lock: TxnLockNotFound; a commit ts below the start ts: abort.
    Kvrpcpb.ResolveLockResponse noLock = kv(r, true).kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder()
        .setContext(ctx(r)).setStartVersion(startTs + 5).setCommitVersion(startTs + 10)
        .addKeys(ByteString.copyFrom(ROW)).build());
    assertThat(noLock.getError().getTxnLockNotFound().getKey().toByteArray()).isEqualTo(ROW);
    Kvrpcpb.ResolveLockResponse badTs = kv(r, true).kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder()
        .setContext(ctx(r)).setStartVersion(startTs).setCommitVersion(startTs - 1).build());
    assertThat(badTs.getError().getAbort()).contains("invalid txn tso");

    // Region errors as for every KV RPC: another store, a stale epoch, the primary elsewhere.
    Kvrpcpb.CheckTxnStatusRequest.Builder check = Kvrpcpb.CheckTxnStatusRequest.newBuilder().setContext(ctx(r))
        .setPrimaryKey(ByteString.copyFrom(PRIMARY)).setLockTs(startTs).setCurrentTs(now);
    Kvrpcpb.CheckTxnStatusResponse notLeader = kv(r, false).kvCheckTxnStatus(check.build());
    assertThat(notLeader.getRegionError().getNotLeader().getLeader().getStoreId()).isEqualTo(r.leader().storeId());
    Kvrpcpb.Context stale = ctx(r).toBuilder()
        .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(r.confVer()).setVersion(r.version() - 1)).build();
    assertThat(kv(r, true).kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder().setContext(stale)
        .setStartVersion(startTs).build()).getRegionError().hasEpochNotMatch()).isTrue();
    assertThat(kv(r, true).kvScanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(stale).setMaxVersion(now)
        .build()).getRegionError().hasEpochNotMatch()).isTrue();
    Region right = region(FAR_ROW);
    assertThat(kv(right, true).kvCheckTxnStatus(check.setContext(ctx(right)).build()).getRegionError()
        .hasKeyNotInRegion()).isTrue();
    // None of this touched the orphan.
    assertThat(scanLocks(PRIMARY, Long.MAX_VALUE)).hasSize(2);
  }
}
