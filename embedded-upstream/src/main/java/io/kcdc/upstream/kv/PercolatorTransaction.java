package io.kcdc.upstream.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A transaction over an {@link MvccStore}: buffered writes, then Percolator's two-phase commit.
 * {@link #prewrite()} and {@link #commitPrewritten()} are public so tests and fault injection can
 * hold a transaction between the phases (its locks then stay visible).
 *
 * <p>A pessimistic transaction (TiDB's default) also locks the keys each DML statement writes when
 * the statement ends, reading the statement's data at its for_update_ts; its prewrite then does
 * not conflict on those keys.
 */
public final class PercolatorTransaction implements Transaction {
  /** Lock TTL; a reader resolves a lock left this long by a transaction that went away. */
  public static final long DEFAULT_LOCK_TTL_MILLIS = 3_000;

  private enum State {
    ACTIVE,
    PREWRITTEN,
    DONE
  }

  private final MvccStore store;
  private final TimestampOracle tso;
  private final long startTs;
  private final long lockTtlMillis;
  private final boolean pessimistic;
  private NavigableMap<EncodedKey, Mutation> buffer = new TreeMap<>();
  private State state = State.ACTIVE;
  /** Pessimistically locked keys; the first one locked is the pessimistic primary. */
  private final NavigableMap<EncodedKey, byte[]> locked = new TreeMap<>();
  private byte[] lockPrimary;
  private long forUpdateTs;
  /** Reads: the start ts, or the running statement's for_update_ts. */
  private long readTs;
  /**
   * What the running statement changed: for each key it wrote, the buffered mutation before its first write (null
   * for none); null outside a statement. An undo log rather than a copy of the buffer, so a statement costs what it
   * writes, not what the transaction holds (a copy made a million-row transaction quadratic).
   */
  private Map<EncodedKey, Mutation> statementStart;
  private long statementForUpdateTs;
  /** Keys the running statement read for update, to lock with its writes. */
  private final List<byte[]> statementReads = new ArrayList<>();

  PercolatorTransaction(MvccStore store, TimestampOracle tso, long startTs, long lockTtlMillis) {
    this(store, tso, startTs, lockTtlMillis, false);
  }

  PercolatorTransaction(MvccStore store, TimestampOracle tso, long startTs, long lockTtlMillis, boolean pessimistic) {
    this.store = store;
    this.tso = tso;
    this.startTs = startTs;
    this.lockTtlMillis = lockTtlMillis;
    this.pessimistic = pessimistic;
    this.readTs = startTs;
    if (pessimistic) {
      store.heartbeat(startTs, true);
    }
  }

  @Override
  public long startTs() {
    return startTs;
  }

  @Override
  public synchronized long readTs() {
    return readTs;
  }

  @Override
  public boolean pessimistic() {
    return pessimistic;
  }

  @Override
  public synchronized void startStatement(long statementForUpdateTs) {
    ensure(State.ACTIVE);
    if (!pessimistic) {
      return;
    }
    statementStart = new HashMap<>();
    this.statementForUpdateTs = statementForUpdateTs;
    readTs = statementForUpdateTs;
  }

  @Override
  public synchronized void lockStatementKeys(long waitMillis) {
    if (statementStart == null) {
      return;
    }
    NavigableMap<EncodedKey, byte[]> wanted = new TreeMap<>();
    for (Map.Entry<EncodedKey, Mutation> e : statementStart.entrySet()) {
      Mutation now = buffer.get(e.getKey());
      if (now != null && now != e.getValue()) {
        wanted.put(e.getKey(), now.rawKey());
      }
    }
    for (byte[] k : statementReads) {
      wanted.put(EncodedKey.ofRaw(k), k);
    }
    List<byte[]> keys = new ArrayList<>();
    for (Map.Entry<EncodedKey, byte[]> e : wanted.entrySet()) {
      if (!locked.containsKey(e.getKey())) {
        keys.add(e.getValue());
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    byte[] primary = lockPrimary != null ? lockPrimary : keys.get(0);
    store.acquirePessimisticLocks(keys, primary, startTs, statementForUpdateTs, lockTtlMillis, waitMillis);
    lockPrimary = primary;
    for (byte[] k : keys) {
      locked.put(EncodedKey.ofRaw(k), k);
    }
    forUpdateTs = Math.max(forUpdateTs, statementForUpdateTs);
  }

  @Override
  public synchronized void lockAtStatementEnd(byte[] rawKey) {
    if (statementStart != null) {
      statementReads.add(Arrays.copyOf(rawKey, rawKey.length));
    }
  }

  @Override
  public synchronized void endStatement(boolean keep) {
    statementReads.clear();
    if (statementStart == null) {
      return;
    }
    if (!keep) {
      for (Map.Entry<EncodedKey, Mutation> e : statementStart.entrySet()) {
        if (e.getValue() == null) {
          buffer.remove(e.getKey());
        } else {
          buffer.put(e.getKey(), e.getValue());
        }
      }
    }
    statementStart = null;
    readTs = startTs;
  }

  @Override
  public synchronized Optional<byte[]> get(byte[] rawKey) {
    Mutation own = buffer.get(EncodedKey.ofRaw(rawKey));
    if (own != null) {
      return own.isDelete() ? Optional.empty() : Optional.of(own.value());
    }
    return store.get(rawKey, readTs).map(MvccValue::value);
  }

  @Override
  public synchronized List<KvPair> scan(byte[] startRaw, byte[] endRaw, int limit) {
    var span = MvccSnapshot.encodedSpan(startRaw, endRaw);
    NavigableMap<EncodedKey, KvPair> merged = new TreeMap<>();
    // Buffered deletes may hide committed rows, so read enough to still fill the limit.
    int wanted = limit > Integer.MAX_VALUE - buffer.size() ? Integer.MAX_VALUE : limit + buffer.size();
    for (MvccValue v : store.scan(span, readTs, wanted)) {
      merged.put(EncodedKey.ofRaw(v.rawKey()), new KvPair(v.rawKey(), v.value()));
    }
    for (Map.Entry<EncodedKey, Mutation> e : buffer.entrySet()) {
      if (span.contains(e.getKey().bytes)) {
        Mutation m = e.getValue();
        if (m.isDelete()) {
          merged.remove(e.getKey());
        } else {
          merged.put(e.getKey(), new KvPair(m.rawKey(), m.value()));
        }
      }
    }
    return merged.values().stream().limit(limit).toList();
  }

  /** Raw keys with a common prefix are contiguous in key order, so the first buffered key at or after it tells. */
  @Override
  public synchronized boolean mayHaveWritten(byte[] rawPrefix) {
    Map.Entry<EncodedKey, Mutation> first = buffer.ceilingEntry(EncodedKey.ofRaw(rawPrefix));
    return first != null && Arrays.equals(first.getValue().rawKey(), 0, Math.min(rawPrefix.length,
        first.getValue().rawKey().length), rawPrefix, 0, rawPrefix.length);
  }

  @Override
  public synchronized void put(byte[] rawKey, byte[] value) {
    ensure(State.ACTIVE);
    byte[] k = Arrays.copyOf(rawKey, rawKey.length);
    buffered(EncodedKey.ofRaw(k), Mutation.put(k, Arrays.copyOf(value, value.length)));
  }

  /** Buffers a write, remembering for the running statement what the key held before. */
  private void buffered(EncodedKey key, Mutation m) {
    Mutation before = buffer.put(key, m);
    if (statementStart != null && !statementStart.containsKey(key)) {
      statementStart.put(key, before);
    }
  }

  @Override
  public synchronized void delete(byte[] rawKey) {
    ensure(State.ACTIVE);
    byte[] k = Arrays.copyOf(rawKey, rawKey.length);
    buffered(EncodedKey.ofRaw(k), Mutation.delete(k));
  }

  /** The buffered writes in key order (the first is the primary a commit would choose). */
  public synchronized List<Mutation> mutations() {
    return List.copyOf(buffer.values());
  }

  /**
   * Phase one: locks every buffered key, the first in key order being the primary.
   *
   * @return false when there is nothing to write
   * @throws WriteConflictException on a conflict; the transaction is then finished
   */
  public synchronized boolean prewrite() {
    ensure(State.ACTIVE);
    // Keys locked but in the end not written keep no lock (TiDB would commit them as Op_Lock).
    List<byte[]> unwritten = new ArrayList<>();
    for (Map.Entry<EncodedKey, byte[]> e : locked.entrySet()) {
      if (!buffer.containsKey(e.getKey())) {
        unwritten.add(e.getValue());
      }
    }
    if (!unwritten.isEmpty()) {
      store.pessimisticRollback(unwritten, startTs);
    }
    if (buffer.isEmpty()) {
      finish();
      return false;
    }
    try {
      store.prewrite(new ArrayList<>(buffer.values()), primary(), startTs, lockTtlMillis,
          pessimistic ? Math.max(forUpdateTs, startTs) : 0);
    } catch (WriteConflictException e) {
      store.pessimisticRollback(new ArrayList<>(locked.values()), startTs);
      finish();
      throw e;
    }
    state = State.PREWRITTEN;
    return true;
  }

  /**
   * Phase two: takes a commit ts from the TSO after every lock is written (so no resolved ts can
   * pass it), commits the primary, then the secondaries.
   */
  public synchronized long commitPrewritten() {
    ensure(State.PREWRITTEN);
    long commitTs = tso.next();
    List<byte[]> keys = rawKeys();
    try {
      store.commit(keys.subList(0, 1), startTs, commitTs);
    } catch (WriteConflictException e) {
      store.rollback(keys, startTs);
      finish();
      throw e;
    }
    // Once the primary is committed the transaction is; secondaries cannot fail.
    store.commit(keys.subList(1, keys.size()), startTs, commitTs);
    finish();
    return commitTs;
  }

  @Override
  public long commit() {
    synchronized (this) {
      if (!prewrite()) {
        return 0;
      }
      return commitPrewritten();
    }
  }

  @Override
  public synchronized void rollback() {
    if (state == State.PREWRITTEN) {
      store.rollback(rawKeys(), startTs);
    } else if (state == State.ACTIVE && !locked.isEmpty()) {
      store.pessimisticRollback(new ArrayList<>(locked.values()), startTs);
    }
    buffer.clear();
    finish();
  }

  private void finish() {
    state = State.DONE;
    statementStart = null;
    locked.clear();
    if (pessimistic) {
      store.heartbeat(startTs, false);
    }
  }

  private byte[] primary() {
    return buffer.firstEntry().getValue().rawKey();
  }

  private List<byte[]> rawKeys() {
    List<byte[]> keys = new ArrayList<>(buffer.size());
    for (Mutation m : buffer.values()) {
      keys.add(m.rawKey());
    }
    return keys;
  }

  private void ensure(State expected) {
    if (state != expected) {
      throw new IllegalStateException("transaction " + startTs + " is " + state + ", expected " + expected);
    }
  }
}
