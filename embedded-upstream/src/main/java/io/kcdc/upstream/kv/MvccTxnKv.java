package io.kcdc.upstream.kv;

/** {@link TxnKv} over an {@link MvccStore} and a {@link TimestampOracle}. */
public final class MvccTxnKv implements TxnKv {
  private final MvccStore store;
  private final TimestampOracle tso;
  private final long lockTtlMillis;

  public MvccTxnKv(MvccStore store, TimestampOracle tso) {
    this(store, tso, PercolatorTransaction.DEFAULT_LOCK_TTL_MILLIS);
  }

  public MvccTxnKv(MvccStore store, TimestampOracle tso, long lockTtlMillis) {
    this.store = store;
    this.tso = tso;
    this.lockTtlMillis = lockTtlMillis;
  }

  /** An in-memory store with a wall-clock TSO, for tests of the SQL front. */
  public static MvccTxnKv inMemory() {
    return new MvccTxnKv(new MvccStore(), new TimestampOracle());
  }

  @Override
  public long currentTs() {
    return tso.next();
  }

  @Override
  public PercolatorTransaction begin() {
    return new PercolatorTransaction(store, tso, tso.next(), lockTtlMillis);
  }

  @Override
  public PercolatorTransaction beginPessimistic() {
    return new PercolatorTransaction(store, tso, tso.next(), lockTtlMillis, true);
  }

  @Override
  public Snapshot snapshot(long ts) {
    return new MvccSnapshot(store, ts);
  }

  public MvccStore store() {
    return store;
  }

  public TimestampOracle tso() {
    return tso;
  }
}
