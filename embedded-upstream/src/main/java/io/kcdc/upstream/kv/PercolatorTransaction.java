package io.kcdc.upstream.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An optimistic transaction over an {@link MvccStore}: buffered writes, then Percolator's
 * two-phase commit. {@link #prewrite()} and {@link #commitPrewritten()} are public so tests and
 * fault injection can hold a transaction between the phases (its locks then stay visible).
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
  private final NavigableMap<EncodedKey, Mutation> buffer = new TreeMap<>();
  private State state = State.ACTIVE;

  PercolatorTransaction(MvccStore store, TimestampOracle tso, long startTs, long lockTtlMillis) {
    this.store = store;
    this.tso = tso;
    this.startTs = startTs;
    this.lockTtlMillis = lockTtlMillis;
  }

  @Override
  public long startTs() {
    return startTs;
  }

  @Override
  public long readTs() {
    return startTs;
  }

  @Override
  public synchronized Optional<byte[]> get(byte[] rawKey) {
    Mutation own = buffer.get(EncodedKey.ofRaw(rawKey));
    if (own != null) {
      return own.isDelete() ? Optional.empty() : Optional.of(own.value());
    }
    return store.get(rawKey, startTs).map(MvccValue::value);
  }

  @Override
  public synchronized List<KvPair> scan(byte[] startRaw, byte[] endRaw, int limit) {
    var span = MvccSnapshot.encodedSpan(startRaw, endRaw);
    NavigableMap<EncodedKey, KvPair> merged = new TreeMap<>();
    // Buffered deletes may hide committed rows, so read enough to still fill the limit.
    int wanted = limit > Integer.MAX_VALUE - buffer.size() ? Integer.MAX_VALUE : limit + buffer.size();
    for (MvccValue v : store.scan(span, startTs, wanted)) {
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

  @Override
  public synchronized void put(byte[] rawKey, byte[] value) {
    ensure(State.ACTIVE);
    byte[] k = Arrays.copyOf(rawKey, rawKey.length);
    buffer.put(EncodedKey.ofRaw(k), Mutation.put(k, Arrays.copyOf(value, value.length)));
  }

  @Override
  public synchronized void delete(byte[] rawKey) {
    ensure(State.ACTIVE);
    byte[] k = Arrays.copyOf(rawKey, rawKey.length);
    buffer.put(EncodedKey.ofRaw(k), Mutation.delete(k));
  }

  /**
   * Phase one: locks every buffered key, the first in key order being the primary.
   *
   * @return false when there is nothing to write
   * @throws WriteConflictException on a conflict; the transaction is then finished
   */
  public synchronized boolean prewrite() {
    ensure(State.ACTIVE);
    if (buffer.isEmpty()) {
      state = State.DONE;
      return false;
    }
    try {
      store.prewrite(new ArrayList<>(buffer.values()), primary(), startTs, lockTtlMillis);
    } catch (WriteConflictException e) {
      state = State.DONE;
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
      state = State.DONE;
      throw e;
    }
    // Once the primary is committed the transaction is; secondaries cannot fail.
    store.commit(keys.subList(1, keys.size()), startTs, commitTs);
    state = State.DONE;
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
    }
    buffer.clear();
    state = State.DONE;
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
