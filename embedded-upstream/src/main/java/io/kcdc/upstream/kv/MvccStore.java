package io.kcdc.upstream.kv;

import io.kcdc.common.Tso;
import io.kcdc.tidb.KeySpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An in-memory multi-version store with Percolator's three column families per key: the lock
 * (at most one), the writes (commit records by commit ts, including rollback markers) and the data
 * (values by start ts). Keys are indexed in encoded form so region and CDC spans apply directly.
 *
 * <p>Pessimistic transactions (TiDB's default mode) first take pessimistic locks on the keys their
 * statements write ({@link #acquirePessimisticLocks}), waiting for other transactions' locks with
 * TiKV's deadlock detection; pessimistic locks carry no value, are invisible to readers and to
 * CDC, and become ordinary prewrite locks when the transaction commits.
 *
 * <p>All mutations run under one store lock and report their changes to the {@link MvccListener}s
 * before releasing it, so observers see changes in apply order and an incremental scan is atomic
 * with respect to them.
 */
public final class MvccStore {
  private static final byte[] EMPTY = new byte[0];

  private enum WriteKind {
    PUT,
    DELETE,
    ROLLBACK
  }

  private record Write(long startTs, long commitTs, WriteKind kind) {}

  /** The three column families of one key. */
  private static final class KeyHistory {
    final byte[] rawKey;
    MvccLock lock;
    /** Commit ts, newest first. */
    final NavigableMap<Long, Write> writes = new TreeMap<>(Collections.reverseOrder());
    final Map<Long, byte[]> data = new HashMap<>();

    KeyHistory(byte[] rawKey) {
      this.rawKey = rawKey;
    }

    /** Latest committed (non-rollback) write with commit ts at most {@code ts}. */
    Write latestCommitted(long ts) {
      for (Write w : writes.tailMap(ts, true).values()) {
        if (w.kind != WriteKind.ROLLBACK) {
          return w;
        }
      }
      return null;
    }

    byte[] valueOf(Write w) {
      return w == null || w.kind != WriteKind.PUT ? EMPTY : data.get(w.startTs);
    }

    Write writeOfTxn(long startTs) {
      for (Write w : writes.values()) {
        if (w.startTs == startTs) {
          return w;
        }
      }
      return null;
    }
  }

  private final ReentrantLock mu = new ReentrantLock();
  private final Condition released = mu.newCondition();
  private final NavigableMap<EncodedKey, KeyHistory> keys = new TreeMap<>();
  /** The keys that hold a lock, so resolved ts need not scan every key of a region. */
  private final NavigableMap<EncodedKey, KeyHistory> locked = new TreeMap<>();
  private final List<MvccListener> listeners = new CopyOnWriteArrayList<>();
  private final LongSupplier clockMillis;
  private final long maxReadWaitMillis;
  private volatile long gcSafePoint;
  /**
   * Start ts of open in-process pessimistic transactions: their locks do not expire, as TiDB's
   * transaction heartbeat keeps renewing the primary lock's TTL while the transaction is open.
   */
  private final Set<Long> heartbeats = new HashSet<>();
  /** Lock waits in progress, waiter start ts to holder start ts (TiKV's wait-for graph). */
  private final Map<Long, Long> waitsFor = new HashMap<>();

  public MvccStore() {
    this(System::currentTimeMillis, 30_000);
  }

  /**
   * @param clockMillis wall clock for lock TTLs
   * @param maxReadWaitMillis how long (real time) a read waits for a live lock before giving up
   */
  public MvccStore(LongSupplier clockMillis, long maxReadWaitMillis) {
    this.clockMillis = clockMillis;
    this.maxReadWaitMillis = maxReadWaitMillis;
  }

  public void addListener(MvccListener listener) {
    listeners.add(listener);
  }

  public void removeListener(MvccListener listener) {
    listeners.remove(listener);
  }

  /**
   * Percolator prewrite: locks every key with {@code primary} as the primary lock and stores the
   * values, all or nothing.
   *
   * @throws WriteConflictException when a key is locked by another transaction or has a write
   *     (commit or rollback) at or after {@code startTs}
   */
  public void prewrite(List<Mutation> mutations, byte[] primary, long startTs, long ttlMillis) {
    prewrite(mutations, primary, startTs, ttlMillis, 0);
  }

  /**
   * Prewrite of an optimistic ({@code forUpdateTs == 0}) or pessimistic transaction. A
   * pessimistic transaction's own pessimistic locks are converted without a conflict check (it
   * checked when it locked); a key it did not lock must have no write after {@code forUpdateTs}.
   *
   * @throws WriteConflictException when a key is locked by another transaction or has a newer write
   */
  public void prewrite(List<Mutation> mutations, byte[] primary, long startTs, long ttlMillis, long forUpdateTs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxReadWaitMillis);
    mu.lock();
    try {
      boolean checked = false;
      while (!checked) {
        checked = true;
        for (Mutation m : mutations) {
          KeyHistory h = keys.get(EncodedKey.ofRaw(m.rawKey()));
          if (h == null) {
            continue;
          }
          MvccLock l = h.lock;
          if (l != null && l.startTs() != startTs) {
            // A pessimistic lock is held for a whole transaction: like client-go resolving a
            // KeyIsLocked, wait for it (nothing is written yet, so no wait cycle can form).
            if (!l.pessimistic() || System.nanoTime() >= deadline) {
              throw new WriteConflictException(
                  "key is locked by transaction " + l.startTs() + " (txn " + startTs + ")");
            }
            if (expired(l)) {
              resolveExpired(l);
            } else {
              awaitRelease(deadline);
            }
            checked = false;
            break;
          }
          if (forUpdateTs == 0) {
            if (!h.writes.isEmpty() && h.writes.firstKey() >= startTs) {
              Write w = h.writes.firstEntry().getValue();
              throw new WriteConflictException(
                  w.kind == WriteKind.ROLLBACK && w.startTs == startTs
                      ? "transaction " + startTs + " was rolled back"
                      : "write conflict: txn " + startTs + " vs commit ts " + w.commitTs);
            }
          } else if (l == null) {
            checkNoNewerWrite(h, startTs, forUpdateTs);
          }
        }
      }
      long now = clockMillis.getAsLong();
      List<MvccChange> changes = new ArrayList<>(mutations.size());
      for (Mutation m : mutations) {
        KeyHistory h = keys.computeIfAbsent(EncodedKey.ofRaw(m.rawKey()), k -> new KeyHistory(m.rawKey()));
        setLock(h, new MvccLock(h.rawKey, primary, startTs, m.isDelete(), ttlMillis, now, false, forUpdateTs,
            mutations.size()));
        byte[] value = m.isDelete() ? EMPTY : m.value();
        h.data.put(startTs, value);
        byte[] old = h.valueOf(h.latestCommitted(Long.MAX_VALUE));
        changes.add(new MvccChange(MvccChange.Kind.PREWRITE, m.isDelete(), h.rawKey, startTs, 0, value, old));
      }
      emit(changes);
    } finally {
      mu.unlock();
    }
  }

  /**
   * TiKV's AcquirePessimisticLock for one statement of a pessimistic transaction, all or nothing:
   * waits up to {@code waitMillis} for locks of other transactions, then locks each key unless a
   * write committed after {@code forUpdateTs} (the statement read older data and must retry with
   * a newer one). No CDC event is produced.
   *
   * @throws WriteConflictException when a key has a write committed after {@code forUpdateTs}
   * @throws LockWaitTimeoutException when a lock of another transaction stayed {@code waitMillis}
   * @throws DeadlockException when the holder (transitively) waits for this transaction
   */
  public void acquirePessimisticLocks(List<byte[]> rawKeys, byte[] primary, long startTs, long forUpdateTs,
      long ttlMillis, long waitMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    List<KeyHistory> taken = new ArrayList<>();
    boolean done = false;
    mu.lock();
    try {
      for (byte[] raw : rawKeys) {
        EncodedKey key = EncodedKey.ofRaw(raw);
        while (true) {
          KeyHistory h = keys.computeIfAbsent(key, k -> new KeyHistory(raw));
          MvccLock l = h.lock;
          if (l != null && l.startTs() != startTs) {
            if (expired(l)) {
              resolveExpired(l);
            } else {
              awaitLockRelease(startTs, l, deadline);
            }
            continue;
          }
          checkNoNewerWrite(h, startTs, forUpdateTs);
          if (l == null) {
            setLock(h, new MvccLock(h.rawKey, primary, startTs, false, ttlMillis, clockMillis.getAsLong(), true,
                forUpdateTs, 0));
            taken.add(h);
          } else if (l.pessimistic() && l.forUpdateTs() < forUpdateTs) {
            setLock(h, new MvccLock(l.rawKey(), l.primary(), startTs, false, l.ttlMillis(), l.createdMillis(), true,
                forUpdateTs, 0));
          }
          break;
        }
      }
      done = true;
    } finally {
      if (!done) {
        for (KeyHistory h : taken) {
          setLock(h, null);
        }
        released.signalAll();
      }
      mu.unlock();
    }
  }

  /** TiKV's PessimisticRollback: drops the pessimistic locks of {@code startTs} on these keys, silently. */
  public void pessimisticRollback(List<byte[]> rawKeys, long startTs) {
    mu.lock();
    try {
      for (byte[] raw : rawKeys) {
        KeyHistory h = keys.get(EncodedKey.ofRaw(raw));
        if (h != null && h.lock != null && h.lock.pessimistic() && h.lock.startTs() == startTs) {
          setLock(h, null);
        }
      }
      released.signalAll();
    } finally {
      mu.unlock();
    }
  }

  /**
   * Marks the in-process pessimistic transaction {@code startTs} open ({@code true}) or finished:
   * while open its locks do not expire (TiDB's heartbeat renews their TTL).
   */
  public void heartbeat(long startTs, boolean open) {
    mu.lock();
    try {
      if (open) {
        heartbeats.add(startTs);
      } else {
        heartbeats.remove(startTs);
      }
    } finally {
      mu.unlock();
    }
  }

  /**
   * Commits the locks of transaction {@code startTs} on {@code rawKeys} at {@code commitTs}; keys
   * already committed by this transaction are skipped.
   *
   * @throws WriteConflictException when a key's lock is gone because the transaction was rolled
   *     back (by a reader that resolved it after its TTL)
   */
  public void commit(List<byte[]> rawKeys, long startTs, long commitTs) {
    if (commitTs <= startTs) {
      throw new IllegalArgumentException("commit ts " + commitTs + " <= start ts " + startTs);
    }
    mu.lock();
    try {
      for (byte[] raw : rawKeys) {
        KeyHistory h = keys.get(EncodedKey.ofRaw(raw));
        if (h == null || h.lock == null || h.lock.startTs() != startTs) {
          Write w = h == null ? null : h.writeOfTxn(startTs);
          if (w == null || w.kind == WriteKind.ROLLBACK) {
            throw new WriteConflictException("transaction " + startTs + " was rolled back");
          }
        }
      }
      commitLocked(rawKeys, startTs, commitTs);
    } finally {
      mu.unlock();
    }
  }

  /** Removes the locks of transaction {@code startTs} and leaves rollback markers. */
  public void rollback(List<byte[]> rawKeys, long startTs) {
    mu.lock();
    try {
      rollbackLocked(rawKeys, startTs);
    } finally {
      mu.unlock();
    }
  }

  /**
   * TiKV's CheckTxnStatus on the primary key of transaction {@code lockTs} (see
   * docs/lock-resolving.md): a live primary lock is reported with its TTL; an expired one (its
   * start ts' physical time plus TTL before {@code currentTs}' physical time) is rolled back; without
   * a lock the commit or rollback record answers, and without any record the transaction is rolled
   * back when {@code rollbackIfNotExist}, else {@link TxnNotFoundException}. The locks of open
   * in-process pessimistic transactions count as renewed by TiDB's heartbeat.
   *
   * @param callerStartTs the reader's start ts; 2^64-1 (-1L) for a point get, which may read past
   * @throws PrimaryMismatchException when {@code verifyIsPrimary} and the key's lock names another primary
   */
  public TxnStatus checkTxnStatus(byte[] primary, long lockTs, long callerStartTs, long currentTs,
      boolean rollbackIfNotExist, boolean resolvingPessimisticLock, boolean verifyIsPrimary) {
    mu.lock();
    try {
      KeyHistory h = keys.get(EncodedKey.ofRaw(primary));
      MvccLock l = h == null ? null : h.lock;
      if (l == null || l.startTs() != lockTs) {
        return missingLockStatus(primary, lockTs, rollbackIfNotExist, resolvingPessimisticLock);
      }
      if (verifyIsPrimary && !Arrays.equals(l.primary(), primary)) {
        if (resolvingPessimisticLock || !l.pessimistic()) {
          throw new PrimaryMismatchException(l);
        }
        // A stale pessimistic lock left where the transaction's primary used to be: the
        // transaction is decided as if the lock were missing, and the lock goes.
        TxnStatus status = missingLockStatus(primary, lockTs, rollbackIfNotExist, false);
        unlock(h);
        return status;
      }
      long ttl = heartbeats.contains(lockTs)
          ? Math.max(l.ttlMillis(), Tso.physical(currentTs) - Tso.physical(lockTs) + l.ttlMillis())
          : l.ttlMillis();
      if (Tso.physical(lockTs) + ttl < Tso.physical(currentTs)) {
        if (l.pessimistic() && resolvingPessimisticLock) {
          unlock(h);
          return new TxnStatus.RolledBack(TxnStatus.Action.TTL_EXPIRE_PESSIMISTIC_ROLLBACK);
        }
        rollbackLocked(List.of(primary), lockTs);
        return new TxnStatus.RolledBack(TxnStatus.Action.TTL_EXPIRE_ROLLBACK);
      }
      // This store never sets a min_commit_ts, so only a point get (caller ts 2^64-1) may read past.
      return new TxnStatus.Locked(l, ttl, callerStartTs == -1L);
    } finally {
      mu.unlock();
    }
  }

  /**
   * TiKV's ResolveLock over a region: every lock in {@code encodedSpan} whose start ts is a key of
   * {@code txnStatus} is committed at the mapped commit ts, or rolled back when it maps to 0. All
   * or nothing.
   *
   * @return how many locks were resolved
   * @throws IllegalArgumentException when a commit ts is not above its start ts (TiKV's InvalidTxnTso)
   */
  public int resolveLocks(KeySpan encodedSpan, Map<Long, Long> txnStatus) {
    mu.lock();
    try {
      List<MvccLock> found = new ArrayList<>();
      for (KeyHistory h : range(locked, EncodedKey.ofEncoded(encodedSpan.start()), true, encodedSpan.end()).values()) {
        Long commitTs = txnStatus.get(h.lock.startTs());
        if (commitTs != null) {
          checkCommitTs(h.lock.startTs(), commitTs);
          found.add(h.lock);
        }
      }
      for (MvccLock l : found) {
        long commitTs = txnStatus.get(l.startTs());
        if (commitTs == 0) {
          rollbackLocked(List.of(l.rawKey()), l.startTs());
        } else {
          commitKey(l.rawKey(), l.startTs(), commitTs);
        }
      }
      return found.size();
    } finally {
      mu.unlock();
    }
  }

  /**
   * TiKV's ResolveLockLite: commits transaction {@code startTs} at {@code commitTs} (rolls it back
   * when 0) on just these keys, all or nothing. A key already committed by the transaction stays
   * committed; a key without its lock gets a rollback record when rolling back.
   *
   * @throws TxnLockNotFoundException when committing a key the transaction has neither locked nor committed
   * @throws AlreadyCommittedException when rolling back a key the transaction committed
   */
  public void resolveLockKeys(List<byte[]> rawKeys, long startTs, long commitTs) {
    mu.lock();
    try {
      if (commitTs != 0) {
        checkCommitTs(startTs, commitTs);
      }
      for (byte[] raw : rawKeys) {
        KeyHistory h = keys.get(EncodedKey.ofRaw(raw));
        boolean ownLock = h != null && h.lock != null && h.lock.startTs() == startTs;
        Write w = h == null || ownLock ? null : h.writeOfTxn(startTs);
        if (commitTs != 0 && !ownLock && (w == null || w.kind == WriteKind.ROLLBACK)) {
          throw new TxnLockNotFoundException(raw, startTs, commitTs);
        }
        if (commitTs == 0 && w != null && w.kind != WriteKind.ROLLBACK) {
          throw new AlreadyCommittedException(startTs, w.commitTs);
        }
      }
      for (byte[] raw : rawKeys) {
        if (commitTs == 0) {
          rollbackLocked(List.of(raw), startTs);
        } else {
          commitKey(raw, startTs, commitTs);
        }
      }
    } finally {
      mu.unlock();
    }
  }

  private static void checkCommitTs(long startTs, long commitTs) {
    if (commitTs != 0 && commitTs <= startTs) {
      throw new IllegalArgumentException("invalid txn tso: start ts " + startTs + ", commit ts " + commitTs);
    }
  }

  /**
   * TiKV's commit of one key: the transaction's prewrite lock becomes a commit record; its
   * pessimistic lock (never prewritten) is only removed; a key it already committed is left alone.
   */
  private void commitKey(byte[] raw, long startTs, long commitTs) {
    KeyHistory h = keys.get(EncodedKey.ofRaw(raw));
    if (h == null || h.lock == null || h.lock.startTs() != startTs) {
      return;
    }
    if (h.lock.pessimistic()) {
      unlock(h);
    } else {
      commitLocked(List.of(raw), startTs, commitTs);
    }
  }

  /** The status of a transaction whose primary holds no lock of it: its records decide. */
  private TxnStatus missingLockStatus(byte[] primary, long lockTs, boolean rollbackIfNotExist,
      boolean resolvingPessimisticLock) {
    KeyHistory h = keys.get(EncodedKey.ofRaw(primary));
    Write w = h == null ? null : h.writeOfTxn(lockTs);
    if (w != null) {
      return w.kind == WriteKind.ROLLBACK
          ? new TxnStatus.RolledBack(TxnStatus.Action.NO_ACTION)
          : new TxnStatus.Committed(w.commitTs);
    }
    if (!rollbackIfNotExist) {
      throw new TxnNotFoundException(lockTs, primary);
    }
    if (resolvingPessimisticLock) {
      return new TxnStatus.RolledBack(TxnStatus.Action.LOCK_NOT_EXIST_DO_NOTHING);
    }
    // The record stops the primary's prewrite if it is still on its way.
    rollbackLocked(List.of(primary), lockTs);
    return new TxnStatus.RolledBack(TxnStatus.Action.LOCK_NOT_EXIST_ROLLBACK);
  }

  private void unlock(KeyHistory h) {
    setLock(h, null);
    released.signalAll();
  }

  /** The value at {@code readTs}; waits for (or resolves) locks of older transactions. */
  public Optional<MvccValue> get(byte[] rawKey, long readTs) {
    EncodedKey key = EncodedKey.ofRaw(rawKey);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxReadWaitMillis);
    mu.lock();
    try {
      while (true) {
        KeyHistory h = keys.get(key);
        if (h == null) {
          return Optional.empty();
        }
        if (blocks(h.lock, readTs)) {
          awaitOrResolve(h.lock, deadline);
          continue;
        }
        Write w = h.latestCommitted(readTs);
        if (w == null || w.kind == WriteKind.DELETE) {
          return Optional.empty();
        }
        return Optional.of(new MvccValue(h.rawKey, h.data.get(w.startTs), w.commitTs));
      }
    } finally {
      mu.unlock();
    }
  }

  /** Values at {@code readTs} of the keys in {@code encodedSpan}, in key order, at most {@code limit}. */
  public List<MvccValue> scan(KeySpan encodedSpan, long readTs, int limit) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxReadWaitMillis);
    List<MvccValue> out = new ArrayList<>();
    EncodedKey from = EncodedKey.ofEncoded(encodedSpan.start());
    boolean inclusive = true;
    mu.lock();
    try {
      scan:
      while (out.size() < limit) {
        for (Map.Entry<EncodedKey, KeyHistory> e : range(from, inclusive, encodedSpan.end()).entrySet()) {
          KeyHistory h = e.getValue();
          if (blocks(h.lock, readTs)) {
            awaitOrResolve(h.lock, deadline);
            from = e.getKey();
            inclusive = true;
            continue scan;
          }
          Write w = h.latestCommitted(readTs);
          if (w != null && w.kind == WriteKind.PUT) {
            out.add(new MvccValue(h.rawKey, h.data.get(w.startTs), w.commitTs));
            if (out.size() >= limit) {
              break scan;
            }
          }
        }
        break;
      }
      return out;
    } finally {
      mu.unlock();
    }
  }

  /** Locks in {@code encodedSpan} with start ts at most {@code maxTs}, at most {@code limit}. */
  public List<MvccLock> scanLocks(KeySpan encodedSpan, long maxTs, int limit) {
    mu.lock();
    try {
      List<MvccLock> out = new ArrayList<>();
      for (KeyHistory h : range(EncodedKey.ofEncoded(encodedSpan.start()), true, encodedSpan.end()).values()) {
        if (h.lock != null && h.lock.startTs() <= maxTs) {
          out.add(h.lock);
          if (out.size() >= limit) {
            break;
          }
        }
      }
      return out;
    } finally {
      mu.unlock();
    }
  }

  /**
   * The smallest start ts of the prewrite locks in {@code encodedSpan}, or {@link Long#MAX_VALUE}.
   * Pessimistic locks do not count: they hold back no resolved ts, as in TiKV.
   */
  public long minLockStartTs(KeySpan encodedSpan) {
    mu.lock();
    try {
      long min = Long.MAX_VALUE;
      for (KeyHistory h : range(locked, EncodedKey.ofEncoded(encodedSpan.start()), true, encodedSpan.end()).values()) {
        if (h.lock != null && !h.lock.pessimistic()) {
          min = Math.min(min, h.lock.startTs());
        }
      }
      return min;
    } finally {
      mu.unlock();
    }
  }

  /**
   * TiKV's incremental scan for a CDC registration: COMMITTED rows for versions in {@code
   * encodedSpan} with commit ts above {@code checkpointTs} (oldest first per key), then PREWRITE
   * rows for current locks. {@code underLock} receives them while the store is still locked, so
   * a listener that starts forwarding live changes inside it misses none and sees none twice.
   */
  public void incrementalScan(KeySpan encodedSpan, long checkpointTs, Consumer<List<MvccChange>> underLock) {
    mu.lock();
    try {
      List<MvccChange> rows = new ArrayList<>();
      List<MvccChange> prewrites = new ArrayList<>();
      for (KeyHistory h : range(EncodedKey.ofEncoded(encodedSpan.start()), true, encodedSpan.end()).values()) {
        List<Write> committed = new ArrayList<>();
        for (Write w : h.writes.descendingMap().values()) {
          if (w.kind != WriteKind.ROLLBACK) {
            committed.add(w);
          }
        }
        for (int i = 0; i < committed.size(); i++) {
          Write w = committed.get(i);
          if (w.commitTs > checkpointTs) {
            byte[] old = i == 0 ? EMPTY : h.valueOf(committed.get(i - 1));
            rows.add(new MvccChange(MvccChange.Kind.COMMITTED, w.kind == WriteKind.DELETE, h.rawKey,
                w.startTs, w.commitTs, h.valueOf(w), old));
          }
        }
        if (h.lock != null && !h.lock.pessimistic()) {
          prewrites.add(new MvccChange(MvccChange.Kind.PREWRITE, h.lock.delete(), h.rawKey, h.lock.startTs(), 0,
              h.data.get(h.lock.startTs()), h.valueOf(h.latestCommitted(Long.MAX_VALUE))));
        }
      }
      rows.addAll(prewrites);
      underLock.accept(rows);
    } finally {
      mu.unlock();
    }
  }

  /** The last safepoint {@link #gc} ran at; reads below it no longer see a complete history. */
  public long gcSafePoint() {
    return gcSafePoint;
  }

  /**
   * TiKV's MVCC GC at {@code safePoint}: per key, every version committed at or before it is
   * removed except the newest one when that one is a put (so reads at or above the safepoint
   * answer as before); rollback markers at or before it go too. Safepoints only move forward.
   *
   * @return the number of versions removed
   */
  public int gc(long safePoint) {
    mu.lock();
    try {
      if (safePoint <= gcSafePoint) {
        return 0;
      }
      gcSafePoint = safePoint;
      int removed = 0;
      var it = keys.values().iterator();
      while (it.hasNext()) {
        KeyHistory h = it.next();
        boolean keptNewest = false;
        var old = h.writes.tailMap(safePoint, true).values().iterator();
        while (old.hasNext()) {
          Write w = old.next();
          if (!keptNewest && w.kind == WriteKind.PUT) {
            keptNewest = true;
            continue;
          }
          if (w.kind != WriteKind.ROLLBACK) {
            // Newest at or before the safepoint is a delete, or an older version: gone.
            keptNewest = true;
            removed++;
          }
          old.remove();
          if (h.lock == null || h.lock.startTs() != w.startTs) {
            h.data.remove(w.startTs);
          }
        }
        if (h.writes.isEmpty() && h.lock == null) {
          it.remove();
        }
      }
      return removed;
    } finally {
      mu.unlock();
    }
  }

  private NavigableMap<EncodedKey, KeyHistory> range(EncodedKey from, boolean inclusive, byte[] encodedEnd) {
    return range(keys, from, inclusive, encodedEnd);
  }

  private static NavigableMap<EncodedKey, KeyHistory> range(NavigableMap<EncodedKey, KeyHistory> map, EncodedKey from,
      boolean inclusive, byte[] encodedEnd) {
    return encodedEnd.length == 0
        ? map.tailMap(from, inclusive)
        : from.compareTo(EncodedKey.ofEncoded(encodedEnd)) >= 0
            ? Collections.emptyNavigableMap()
            : map.subMap(from, inclusive, EncodedKey.ofEncoded(encodedEnd), false);
  }

  /** Sets or clears a key's lock and keeps the index of locked keys. */
  private void setLock(KeyHistory h, MvccLock lock) {
    h.lock = lock;
    if (lock == null) {
      locked.remove(EncodedKey.ofRaw(h.rawKey));
    } else {
      locked.put(EncodedKey.ofRaw(h.rawKey), h);
    }
  }

  /** Prewrite locks of older transactions block reads; pessimistic locks never do. */
  private static boolean blocks(MvccLock lock, long readTs) {
    return lock != null && !lock.pessimistic() && lock.startTs() <= readTs;
  }

  private boolean expired(MvccLock lock) {
    return !heartbeats.contains(lock.startTs()) && lock.expiredAt(clockMillis.getAsLong());
  }

  /**
   * A write committed after {@code forUpdateTs} means the caller's read is stale. Rollback markers
   * of other transactions are not writes of data; this transaction's own marker means it was
   * rolled back (its lock resolved by another).
   */
  private static void checkNoNewerWrite(KeyHistory h, long startTs, long forUpdateTs) {
    for (Write w : h.writes.headMap(forUpdateTs, false).values()) {
      if (w.kind != WriteKind.ROLLBACK) {
        throw new WriteConflictException("write conflict: txn " + startTs + " for update ts " + forUpdateTs
            + " vs commit ts " + w.commitTs);
      }
      if (w.startTs == startTs) {
        throw new WriteConflictException("transaction " + startTs + " was rolled back");
      }
    }
  }

  /** Waits (with {@code mu} held) a little for some lock to go, at most until {@code deadline}. */
  private void awaitRelease(long deadline) {
    try {
      released.await(Math.max(1, Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(50))),
          TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteConflictException("interrupted while waiting for a lock");
    }
  }

  /**
   * Waits (with {@code mu} held) for another transaction's lock, recording the wait so that a
   * cycle of waits is found by the transaction that would close it.
   */
  private void awaitLockRelease(long waiter, MvccLock lock, long deadline) {
    long holder = lock.startTs();
    Set<Long> seen = new HashSet<>();
    for (Long t = holder; t != null && seen.add(t); t = waitsFor.get(t)) {
      if (t == waiter) {
        throw new DeadlockException(waiter, holder);
      }
    }
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new LockWaitTimeoutException(waiter, holder);
    }
    // The edge exists only while this waiter sleeps, so no finished wait makes a false cycle.
    waitsFor.put(waiter, holder);
    try {
      // Bounded so that a TTL running out on the (possibly injected) clock is noticed.
      released.await(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockWaitTimeoutException(waiter, holder);
    } finally {
      waitsFor.remove(waiter);
    }
  }

  /**
   * Waits for a lock to go away; resolves it when its TTL is over. Called with {@code mu} held.
   *
   * @param deadline {@link System#nanoTime()} after which the read gives up
   */
  private void awaitOrResolve(MvccLock lock, long deadline) {
    if (expired(lock)) {
      resolveExpired(lock);
      return;
    }
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new KeyLockedException(lock);
    }
    try {
      // Bounded so that a TTL running out on the (possibly injected) clock is noticed.
      released.await(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyLockedException(lock);
    }
  }

  /** Finishes an abandoned transaction's lock the way its primary decided (Percolator recovery). */
  private void resolveExpired(MvccLock lock) {
    if (lock.pessimistic()) {
      // Never prewritten: nothing to commit; the abandoned transaction's lock just goes.
      setLock(keys.get(EncodedKey.ofRaw(lock.rawKey())), null);
      released.signalAll();
      return;
    }
    KeyHistory primary = keys.get(EncodedKey.ofRaw(lock.primary()));
    Write pw = primary == null ? null : primary.writeOfTxn(lock.startTs());
    if (pw != null && pw.kind != WriteKind.ROLLBACK) {
      commitLocked(List.of(lock.rawKey()), lock.startTs(), pw.commitTs);
      return;
    }
    if (primary != null && primary.lock != null && primary.lock.startTs() == lock.startTs()) {
      rollbackLocked(List.of(lock.primary()), lock.startTs());
    }
    rollbackLocked(List.of(lock.rawKey()), lock.startTs());
  }

  private void commitLocked(List<byte[]> rawKeys, long startTs, long commitTs) {
    List<MvccChange> changes = new ArrayList<>(rawKeys.size());
    for (byte[] raw : rawKeys) {
      KeyHistory h = keys.get(EncodedKey.ofRaw(raw));
      if (h == null || h.lock == null || h.lock.startTs() != startTs) {
        continue;
      }
      boolean delete = h.lock.delete();
      h.writes.put(commitTs, new Write(startTs, commitTs, delete ? WriteKind.DELETE : WriteKind.PUT));
      setLock(h, null);
      changes.add(new MvccChange(MvccChange.Kind.COMMIT, delete, h.rawKey, startTs, commitTs, EMPTY, EMPTY));
    }
    emit(changes);
    released.signalAll();
  }

  private void rollbackLocked(List<byte[]> rawKeys, long startTs) {
    List<MvccChange> changes = new ArrayList<>();
    for (byte[] raw : rawKeys) {
      KeyHistory h = keys.computeIfAbsent(EncodedKey.ofRaw(raw), k -> new KeyHistory(raw));
      if (h.writeOfTxn(startTs) != null) {
        continue;
      }
      if (h.lock != null && h.lock.startTs() == startTs) {
        if (!h.lock.pessimistic()) {
          changes.add(new MvccChange(MvccChange.Kind.ROLLBACK, h.lock.delete(), h.rawKey, startTs, 0, EMPTY, EMPTY));
        }
        setLock(h, null);
      }
      h.data.remove(startTs);
      // The marker stops a late prewrite of the same transaction from succeeding.
      h.writes.put(startTs, new Write(startTs, startTs, WriteKind.ROLLBACK));
    }
    emit(changes);
    released.signalAll();
  }

  private void emit(List<MvccChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    List<MvccChange> view = Collections.unmodifiableList(changes);
    for (MvccListener l : listeners) {
      l.onChanges(view);
    }
  }
}
