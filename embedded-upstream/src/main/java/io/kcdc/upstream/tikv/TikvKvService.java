package io.kcdc.upstream.tikv;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kcdc.kvproto.Errorpb;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.kvproto.TikvGrpc;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.RegionMetas;
import io.kcdc.upstream.kv.AlreadyCommittedException;
import io.kcdc.upstream.kv.KeyLockedException;
import io.kcdc.upstream.kv.MvccLock;
import io.kcdc.upstream.kv.MvccValue;
import io.kcdc.upstream.kv.PrimaryMismatchException;
import io.kcdc.upstream.kv.TxnLockNotFoundException;
import io.kcdc.upstream.kv.TxnNotFoundException;
import io.kcdc.upstream.kv.TxnStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TiKV's KV RPCs on one store: snapshot reads of RAW keys at a version, and the lock resolver's
 * ScanLock, CheckTxnStatus and ResolveLock (docs/lock-resolving.md), each checked against the
 * region named in the request context like TiKV does (region_error when the key is elsewhere).
 */
public final class TikvKvService extends TikvGrpc.TikvImplBase {
  private final StoreContext ctx;

  public TikvKvService(StoreContext ctx) {
    this.ctx = ctx;
  }

  /** The region of the context if this store leads it, or why not. */
  private record Checked(Region region, Errorpb.Error error) {}

  private Checked check(Kvrpcpb.Context c) {
    Region r = ctx.regions().byId(c.getRegionId());
    if (r == null) {
      return new Checked(null, Errorpb.Error.newBuilder().setMessage("region " + c.getRegionId() + " not found")
          .setRegionNotFound(Errorpb.RegionNotFound.newBuilder().setRegionId(c.getRegionId())).build());
    }
    if (c.hasRegionEpoch() && !r.epochMatches(c.getRegionEpoch().getConfVer(), c.getRegionEpoch().getVersion())) {
      return new Checked(null, Errorpb.Error.newBuilder().setMessage("epoch not match")
          .setEpochNotMatch(Errorpb.EpochNotMatch.newBuilder()
              .addAllCurrentRegions(ctx.regions().scan(r.span().start(), r.span().end(), 0).stream()
                  .map(RegionMetas::region).toList())).build());
    }
    if (r.leader().storeId() != ctx.storeId()) {
      return new Checked(null, Errorpb.Error.newBuilder().setMessage("not leader")
          .setNotLeader(Errorpb.NotLeader.newBuilder().setRegionId(r.id()).setLeader(RegionMetas.peer(r.leader())))
          .build());
    }
    return new Checked(r, null);
  }

  private static Errorpb.Error keyNotInRegion(byte[] rawKey, Region r) {
    return Errorpb.Error.newBuilder().setMessage("key not in region")
        .setKeyNotInRegion(Errorpb.KeyNotInRegion.newBuilder()
            .setKey(ByteString.copyFrom(rawKey)).setRegionId(r.id())
            .setStartKey(ByteString.copyFrom(r.span().start())).setEndKey(ByteString.copyFrom(r.span().end())))
        .build();
  }

  /**
   * A read below the GC safepoint would miss versions GC removed. client-go refuses such reads
   * before sending them; here the store answers them with an abort key error carrying the same
   * message (TiDB's ErrGCTooEarly), so any client sees the failure.
   */
  private Kvrpcpb.KeyError tooOld(long version) {
    long safePoint = ctx.store().gcSafePoint();
    return version < safePoint
        ? Kvrpcpb.KeyError.newBuilder().setAbort("GC life time is shorter than transaction duration, transaction starts at "
            + version + ", GC safe point is " + safePoint).build()
        : null;
  }

  private static Kvrpcpb.KeyError locked(MvccLock lock) {
    return Kvrpcpb.KeyError.newBuilder().setLocked(lockInfo(lock)).build();
  }

  private static Kvrpcpb.LockInfo lockInfo(MvccLock lock) {
    return Kvrpcpb.LockInfo.newBuilder()
        .setPrimaryLock(ByteString.copyFrom(lock.primary()))
        .setLockVersion(lock.startTs())
        .setKey(ByteString.copyFrom(lock.rawKey()))
        .setLockTtl(lock.ttlMillis())
        .setLockType(lock.pessimistic() ? Kvrpcpb.Op.PessimisticLock : lock.delete() ? Kvrpcpb.Op.Del : Kvrpcpb.Op.Put)
        .setLockForUpdateTs(lock.forUpdateTs())
        .setTxnSize(lock.txnSize())
        .build();
  }

  @Override
  public void kvGet(Kvrpcpb.GetRequest req, StreamObserver<Kvrpcpb.GetResponse> out) {
    Kvrpcpb.GetResponse.Builder b = Kvrpcpb.GetResponse.newBuilder();
    Checked c = check(req.getContext());
    byte[] key = req.getKey().toByteArray();
    if (c.error != null) {
      b.setRegionError(c.error);
    } else if (tooOld(req.getVersion()) != null) {
      b.setError(tooOld(req.getVersion()));
    } else if (!c.region.contains(Codec.encodeBytes(key))) {
      b.setRegionError(keyNotInRegion(key, c.region));
    } else {
      try {
        Optional<MvccValue> v = ctx.store().get(key, req.getVersion());
        if (v.isEmpty()) {
          b.setNotFound(true);
        } else {
          b.setValue(ByteString.copyFrom(v.get().value()));
          if (req.getNeedCommitTs()) {
            b.setCommitTs(v.get().commitTs());
          }
        }
      } catch (KeyLockedException e) {
        b.setError(locked(e.lock()));
      }
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void kvBatchGet(Kvrpcpb.BatchGetRequest req, StreamObserver<Kvrpcpb.BatchGetResponse> out) {
    Kvrpcpb.BatchGetResponse.Builder b = Kvrpcpb.BatchGetResponse.newBuilder();
    Checked c = check(req.getContext());
    if (c.error != null) {
      b.setRegionError(c.error);
    } else if (tooOld(req.getVersion()) != null) {
      b.setError(tooOld(req.getVersion()));
    } else {
      List<Kvrpcpb.KvPair> pairs = new ArrayList<>();
      for (ByteString k : req.getKeysList()) {
        byte[] key = k.toByteArray();
        if (!c.region.contains(Codec.encodeBytes(key))) {
          b.setRegionError(keyNotInRegion(key, c.region));
          pairs.clear();
          break;
        }
        try {
          ctx.store().get(key, req.getVersion()).ifPresent(v -> pairs.add(pair(v, false, req.getNeedCommitTs())));
        } catch (KeyLockedException e) {
          pairs.add(Kvrpcpb.KvPair.newBuilder().setKey(k).setError(locked(e.lock())).build());
        }
      }
      b.addAllPairs(pairs);
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void kvScan(Kvrpcpb.ScanRequest req, StreamObserver<Kvrpcpb.ScanResponse> out) {
    Kvrpcpb.ScanResponse.Builder b = Kvrpcpb.ScanResponse.newBuilder();
    Checked c = check(req.getContext());
    if (c.error != null) {
      b.setRegionError(c.error);
      out.onNext(b.build());
      out.onCompleted();
      return;
    }
    if (tooOld(req.getVersion()) != null) {
      b.setError(tooOld(req.getVersion()));
      out.onNext(b.build());
      out.onCompleted();
      return;
    }
    Region r = c.region;
    // TiKV scans forward from start_key up to end_key; in reverse from start_key (exclusive) down.
    byte[] lower = req.getReverse() ? req.getEndKey().toByteArray() : req.getStartKey().toByteArray();
    byte[] upper = req.getReverse() ? req.getStartKey().toByteArray() : req.getEndKey().toByteArray();
    byte[] bound = req.getReverse() ? upper : lower;
    byte[] boundEnc = Codec.encodeBytes(bound);
    boolean inRegion = req.getReverse()
        ? bound.length == 0 || (Arrays.compareUnsigned(boundEnc, r.span().start()) > 0
            && (r.span().end().length == 0 || Arrays.compareUnsigned(boundEnc, r.span().end()) <= 0))
        : bound.length == 0 || r.contains(boundEnc);
    if (!inRegion) {
      b.setRegionError(keyNotInRegion(bound, r));
      out.onNext(b.build());
      out.onCompleted();
      return;
    }
    KeySpan wanted = new KeySpan(lower.length == 0 ? new byte[0] : Codec.encodeBytes(lower),
        upper.length == 0 ? new byte[0] : Codec.encodeBytes(upper));
    KeySpan span = wanted.intersect(r.span());
    int limit = req.getLimit() == 0 ? Integer.MAX_VALUE : req.getLimit();
    try {
      if (span != null) {
        List<MvccValue> values = ctx.store().scan(span, req.getVersion(), req.getReverse() ? Integer.MAX_VALUE : limit);
        if (req.getReverse()) {
          values = new ArrayList<>(values);
          java.util.Collections.reverse(values);
          values = values.subList(0, Math.min(limit, values.size()));
        }
        for (MvccValue v : values) {
          b.addPairs(pair(v, req.getKeyOnly(), false));
        }
      }
    } catch (KeyLockedException e) {
      b.clearPairs().setError(locked(e.lock()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void kvScanLock(Kvrpcpb.ScanLockRequest req, StreamObserver<Kvrpcpb.ScanLockResponse> out) {
    Kvrpcpb.ScanLockResponse.Builder b = Kvrpcpb.ScanLockResponse.newBuilder();
    Checked c = check(req.getContext());
    if (c.error != null) {
      b.setRegionError(c.error);
    } else {
      byte[] start = req.getStartKey().toByteArray();
      byte[] end = req.getEndKey().toByteArray();
      KeySpan span = new KeySpan(start.length == 0 ? new byte[0] : Codec.encodeBytes(start),
          end.length == 0 ? new byte[0] : Codec.encodeBytes(end)).intersect(c.region.span());
      if (span != null) {
        int limit = req.getLimit() == 0 ? Integer.MAX_VALUE : req.getLimit();
        ctx.store().scanLocks(span, req.getMaxVersion(), limit).forEach(l -> b.addLocks(lockInfo(l)));
      }
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /**
   * TiKV's CheckTxnStatus, a write on the primary key's region: reports (and on TTL expiry rolls
   * back) the transaction {@code lock_ts} as its primary lock or commit record says.
   */
  @Override
  public void kvCheckTxnStatus(Kvrpcpb.CheckTxnStatusRequest req, StreamObserver<Kvrpcpb.CheckTxnStatusResponse> out) {
    Kvrpcpb.CheckTxnStatusResponse.Builder b = Kvrpcpb.CheckTxnStatusResponse.newBuilder();
    Checked c = check(req.getContext());
    byte[] primary = req.getPrimaryKey().toByteArray();
    if (c.error != null) {
      b.setRegionError(c.error);
    } else if (!c.region.contains(Codec.encodeBytes(primary))) {
      b.setRegionError(keyNotInRegion(primary, c.region));
    } else {
      try {
        TxnStatus status = ctx.store().checkTxnStatus(primary, req.getLockTs(), req.getCallerStartTs(),
            req.getCurrentTs(), req.getRollbackIfNotExist(), req.getResolvingPessimisticLock(),
            req.getVerifyIsPrimary());
        if (status instanceof TxnStatus.Committed committed) {
          b.setCommitVersion(committed.commitTs());
        } else if (status instanceof TxnStatus.RolledBack rolledBack) {
          b.setAction(action(rolledBack.action()));
        } else if (status instanceof TxnStatus.Locked locked) {
          if (locked.minCommitTsPushed()) {
            b.setAction(Kvrpcpb.Action.MinCommitTSPushed);
          }
          b.setLockTtl(locked.ttlMillis()).setLockInfo(lockInfo(locked.lock()).toBuilder()
              .setKey(req.getPrimaryKey()).setLockTtl(locked.ttlMillis()));
        }
      } catch (TxnNotFoundException e) {
        b.setError(Kvrpcpb.KeyError.newBuilder().setTxnNotFound(Kvrpcpb.TxnNotFound.newBuilder()
            .setStartTs(e.startTs()).setPrimaryKey(req.getPrimaryKey())));
      } catch (PrimaryMismatchException e) {
        b.setError(Kvrpcpb.KeyError.newBuilder()
            .setPrimaryMismatch(Kvrpcpb.PrimaryMismatch.newBuilder().setLockInfo(lockInfo(e.lock()))));
      }
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  private static Kvrpcpb.Action action(TxnStatus.Action a) {
    return switch (a) {
      case NO_ACTION -> Kvrpcpb.Action.NoAction;
      case TTL_EXPIRE_ROLLBACK -> Kvrpcpb.Action.TTLExpireRollback;
      case LOCK_NOT_EXIST_ROLLBACK -> Kvrpcpb.Action.LockNotExistRollback;
      case TTL_EXPIRE_PESSIMISTIC_ROLLBACK -> Kvrpcpb.Action.TTLExpirePessimisticRollback;
      case LOCK_NOT_EXIST_DO_NOTHING -> Kvrpcpb.Action.LockNotExistDoNothing;
    };
  }

  /**
   * TiKV's ResolveLock: with {@code keys}, commits or rolls back {@code start_version} on those
   * keys only (ResolveLockLite); else every lock in the region of {@code start_version}, or of the
   * transactions in {@code txn_infos} when {@code start_version} is 0.
   */
  @Override
  public void kvResolveLock(Kvrpcpb.ResolveLockRequest req, StreamObserver<Kvrpcpb.ResolveLockResponse> out) {
    Kvrpcpb.ResolveLockResponse.Builder b = Kvrpcpb.ResolveLockResponse.newBuilder();
    Checked c = check(req.getContext());
    if (c.error != null) {
      b.setRegionError(c.error);
    } else {
      List<byte[]> keys = new ArrayList<>();
      for (ByteString k : req.getKeysList()) {
        byte[] key = k.toByteArray();
        if (!c.region.contains(Codec.encodeBytes(key))) {
          b.setRegionError(keyNotInRegion(key, c.region));
          break;
        }
        keys.add(key);
      }
      if (!b.hasRegionError()) {
        try {
          resolve(req, c.region, keys);
        } catch (TxnLockNotFoundException e) {
          b.setError(Kvrpcpb.KeyError.newBuilder().setRetryable(e.getMessage())
              .setTxnLockNotFound(Kvrpcpb.TxnLockNotFound.newBuilder().setKey(ByteString.copyFrom(e.rawKey()))));
        } catch (AlreadyCommittedException | IllegalArgumentException e) {
          b.setError(Kvrpcpb.KeyError.newBuilder().setAbort(e.getMessage()));
        }
      }
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  private void resolve(Kvrpcpb.ResolveLockRequest req, Region region, List<byte[]> keys) {
    if (!keys.isEmpty()) {
      if (req.getStartVersion() == 0) {
        throw new IllegalArgumentException("resolving keys needs a start version");
      }
      ctx.store().resolveLockKeys(keys, req.getStartVersion(), req.getCommitVersion());
      return;
    }
    Map<Long, Long> txnStatus = new HashMap<>();
    if (req.getStartVersion() > 0) {
      txnStatus.put(req.getStartVersion(), req.getCommitVersion());
    } else {
      req.getTxnInfosList().forEach(t -> txnStatus.put(t.getTxn(), t.getStatus()));
    }
    ctx.store().resolveLocks(region.span(), txnStatus);
  }

  private static Kvrpcpb.KvPair pair(MvccValue v, boolean keyOnly, boolean withCommitTs) {
    Kvrpcpb.KvPair.Builder p = Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(v.rawKey()));
    if (!keyOnly) {
      p.setValue(ByteString.copyFrom(v.value()));
    }
    if (withCommitTs) {
      p.setCommitTs(v.commitTs());
    }
    return p.build();
  }
}
