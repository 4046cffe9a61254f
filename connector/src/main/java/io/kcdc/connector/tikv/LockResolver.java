package io.kcdc.connector.tikv;

import com.google.protobuf.ByteString;
import io.kcdc.common.Tso;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.tidb.Codec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TiCDC's lock resolver for one region (docs/lock-resolving.md): scans the region's locks with a
 * start ts up to a version ({@code KvScanLock}), asks each transaction's primary for its status
 * ({@code KvCheckTxnStatus}, which also rolls back a primary whose TTL is over) and commits or
 * rolls back the lock accordingly ({@code KvResolveLock}: key by key for small transactions, the
 * whole region at once for big ones). Locks of live transactions are left alone. Every RPC is
 * retried with {@link Backoff}; region errors refresh the region like the {@link KvClient}.
 *
 * <p>Not handled: pessimistic locks (they hold back no resolved ts, so they cannot stall a
 * changefeed; TiKV rolls them back with its own RPC) and async-commit locks (their status needs
 * {@code CheckSecondaryLocks}; the embedded upstream writes none). Both are counted as alive.
 */
public final class LockResolver {
  /** TiCDC's {@code scanLockLimit}. */
  static final int SCAN_LOCK_LIMIT = 1024;
  /** client-go's {@code resolve-lock-lite-threshold} in TiCDC v8.5: smaller transactions go key by key. */
  static final long LITE_THRESHOLD = 16;

  private final RegionRequests requests;
  private final Backoff backoff;

  public LockResolver(RegionCache regions, ChannelPool channels, Backoff backoff) {
    this.requests = new RegionRequests(regions, channels);
    this.backoff = backoff;
  }

  /** What one {@link #resolve} found: locks seen, resolved (committed or rolled back) and left alive. */
  public record Result(int locks, int resolved, int alive) {}

  /** A transaction's state by its primary: alive with a TTL, committed at a ts, or rolled back (both 0). */
  private record TxnState(long ttl, long commitTs) {
    boolean alive() {
      return ttl > 0;
    }
  }

  private record Page(List<Kvrpcpb.LockInfo> locks, byte[] next) {}

  /**
   * Resolves the locks of region {@code regionId} whose start ts is at most {@code maxVersion}.
   *
   * @throws TikvException when PD or TiKV keep failing, or TiKV answers with a key error
   */
  public Result resolve(long regionId, long maxVersion) {
    long currentTs = requests.regions().pd().currentTs();
    Map<Long, TxnState> states = new HashMap<>();
    Set<Long> regionWide = new HashSet<>();
    int locks = 0;
    int resolved = 0;
    int alive = 0;
    byte[] from = null;
    while (true) {
      byte[] cursor = from;
      Page page = backoff.retry("ScanLock", () -> scanLocks(regionId, cursor, maxVersion));
      for (Kvrpcpb.LockInfo lock : page.locks) {
        locks++;
        if (lock.getLockType() == Kvrpcpb.Op.PessimisticLock || lock.getUseAsyncCommit()) {
          alive++;
          continue;
        }
        TxnState state = states.get(lock.getLockVersion());
        if (state == null) {
          state = txnState(lock, currentTs);
          states.put(lock.getLockVersion(), state);
        }
        if (state.alive()) {
          alive++;
        } else {
          resolveLock(lock, state, regionWide);
          resolved++;
        }
      }
      if (page.next == null) {
        return new Result(locks, resolved, alive);
      }
      from = page.next;
    }
  }

  /** One page of the region's locks from {@code from} (raw; null: the region's start). */
  private Page scanLocks(long regionId, byte[] from, long maxVersion) {
    RegionInfo region = requests.regions().locateById(regionId);
    byte[] start = from != null ? from : raw(region.span().start());
    Kvrpcpb.ScanLockResponse r = requests.call(region, s -> s.kvScanLock(Kvrpcpb.ScanLockRequest.newBuilder()
        .setContext(requests.context(region)).setStartKey(ByteString.copyFrom(start)).setMaxVersion(maxVersion)
        .setLimit(SCAN_LOCK_LIMIT).build()));
    if (r.hasRegionError()) {
      requests.throwRegionError(region, r.getRegionError());
    }
    if (r.hasError()) {
      throw new TikvException.Fatal("unexpected ScanLock error in region " + regionId + ": " + r.getError());
    }
    List<Kvrpcpb.LockInfo> locks = r.getLocksList();
    if (locks.size() < SCAN_LOCK_LIMIT) {
      return new Page(locks, null);
    }
    // Like TiCDC, the next page starts at the last lock seen (again, if it is still there).
    byte[] last = locks.get(locks.size() - 1).getKey().toByteArray();
    byte[] end = region.span().end();
    boolean pastRegion = end.length != 0 && Arrays.compareUnsigned(Codec.encodeBytes(last), end) >= 0;
    return new Page(locks, pastRegion ? null : last);
  }

  /**
   * The transaction's state by its primary. A primary without lock or record (TxnNotFound) is
   * still on its way while the lock's own TTL runs; after that it is rolled back, as client-go does.
   */
  private TxnState txnState(Kvrpcpb.LockInfo lock, long currentTs) {
    // TTL 0 is TiKV's way of saying "resolve this lock now": check as of the end of time.
    long current = lock.getLockTtl() == 0 ? -1L : currentTs;
    Optional<TxnState> state = backoff.retry("CheckTxnStatus", () -> checkTxnStatus(lock, current, false));
    if (state.isPresent()) {
      return state.get();
    }
    if (Tso.physical(lock.getLockVersion()) + lock.getLockTtl() > Tso.physical(currentTs)) {
      return new TxnState(lock.getLockTtl(), 0);
    }
    return backoff.retry("CheckTxnStatus", () -> checkTxnStatus(lock, current, true))
        .orElseThrow(() -> new TikvException("txn " + lock.getLockVersion() + " not found with rollback_if_not_exist"));
  }

  /** One CheckTxnStatus on the lock's primary; empty for TxnNotFound. */
  private Optional<TxnState> checkTxnStatus(Kvrpcpb.LockInfo lock, long currentTs, boolean rollbackIfNotExist) {
    ByteString primary = lock.getPrimaryLock();
    RegionInfo region = requests.regions().locate(Codec.encodeBytes(primary.toByteArray()));
    Kvrpcpb.CheckTxnStatusResponse r = requests.call(region, s -> s.kvCheckTxnStatus(
        Kvrpcpb.CheckTxnStatusRequest.newBuilder().setContext(requests.context(region)).setPrimaryKey(primary)
            .setLockTs(lock.getLockVersion()).setCallerStartTs(0).setCurrentTs(currentTs)
            .setRollbackIfNotExist(rollbackIfNotExist).setVerifyIsPrimary(true).build()));
    if (r.hasRegionError()) {
      requests.throwRegionError(region, r.getRegionError());
    }
    if (r.hasError()) {
      if (r.getError().hasTxnNotFound()) {
        return Optional.empty();
      }
      throw new TikvException.Fatal("unexpected CheckTxnStatus error for txn " + lock.getLockVersion() + ": "
          + r.getError());
    }
    return Optional.of(new TxnState(r.getLockTtl(), r.getCommitVersion()));
  }

  /**
   * Commits or rolls back one lock of a decided transaction: just its key for a small
   * transaction (the primary itself was already settled by CheckTxnStatus), else every lock of the
   * transaction in the lock's region, once per region.
   */
  private void resolveLock(Kvrpcpb.LockInfo lock, TxnState state, Set<Long> regionWide) {
    boolean lite = lock.getTxnSize() < LITE_THRESHOLD;
    if (lite && lock.getKey().equals(lock.getPrimaryLock())) {
      return;
    }
    if (!lite && regionWide.contains(lock.getLockVersion())) {
      return;
    }
    backoff.retry("ResolveLock", () -> {
      RegionInfo region = requests.regions().locate(Codec.encodeBytes(lock.getKey().toByteArray()));
      Kvrpcpb.ResolveLockRequest.Builder req = Kvrpcpb.ResolveLockRequest.newBuilder()
          .setContext(requests.context(region)).setStartVersion(lock.getLockVersion())
          .setCommitVersion(state.commitTs());
      if (lite) {
        req.addKeys(lock.getKey());
      }
      Kvrpcpb.ResolveLockResponse r = requests.call(region, s -> s.kvResolveLock(req.build()));
      if (r.hasRegionError()) {
        requests.throwRegionError(region, r.getRegionError());
      }
      if (r.hasError()) {
        throw new TikvException.Fatal("unexpected ResolveLock error for txn " + lock.getLockVersion() + ": "
            + r.getError());
      }
      return null;
    });
    if (!lite) {
      regionWide.add(lock.getLockVersion());
    }
  }

  private static byte[] raw(byte[] encoded) {
    return encoded.length == 0 ? new byte[0] : Codec.decodeBytes(encoded, 0).value();
  }
}
