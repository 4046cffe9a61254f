package io.kcdc.upstream.kv;

/**
 * The transactional key-value store of the embedded upstream, as TiDB sees TiKV: snapshot reads
 * at a timestamp and Percolator two-phase commits. Keys are raw TiDB keys ({@code t...},
 * {@code m...}). Implemented by the storage layer; used by the SQL front and by tests.
 */
public interface TxnKv {
  /** A fresh timestamp from the PD TSO (strictly increasing). */
  long currentTs();

  /** Begins an optimistic transaction with a start ts from the TSO. */
  Transaction begin();

  /**
   * Begins a pessimistic transaction (see {@link Transaction#startStatement}); a store without
   * pessimistic locks runs it optimistically.
   */
  default Transaction beginPessimistic() {
    return begin();
  }

  /** A consistent read view at {@code ts}. */
  Snapshot snapshot(long ts);
}
