package io.kcdc.upstream.kv;

/**
 * A transaction: writes are buffered and applied by {@link #commit()} with Percolator's two-phase
 * commit (prewrite every key with a primary lock, take a commit ts from the TSO, commit the
 * primary, then the secondaries), so EventFeed observers see PREWRITE then COMMIT rows exactly as
 * from TiKV. Reads see the snapshot at the start ts plus own writes.
 *
 * <p>A pessimistic transaction brackets each DML statement with {@link #startStatement},
 * {@link #lockStatementKeys} and {@link #endStatement}: the statement reads the latest committed
 * data (at its for_update_ts) and locks what it wrote before it returns. The defaults are those of
 * an optimistic transaction, for which the brackets do nothing.
 */
public interface Transaction extends Snapshot {
  long startTs();

  /** Whether DML statements lock their keys (TiDB's pessimistic mode). */
  default boolean pessimistic() {
    return false;
  }

  /**
   * Starts a DML statement: until {@link #endStatement} reads are at {@code forUpdateTs} (plus own
   * writes) and the writes can be undone as a whole.
   */
  default void startStatement(long forUpdateTs) {}

  /**
   * Pessimistically locks the keys the running statement wrote, waiting up to {@code waitMillis}
   * for other transactions' locks.
   *
   * @throws WriteConflictException when a key was committed after the statement's for_update_ts
   *     (the statement must run again with a newer one)
   * @throws LockWaitTimeoutException when a lock was not released in time
   * @throws DeadlockException when waiting would close a cycle of waiting transactions
   */
  default void lockStatementKeys(long waitMillis) {}

  /**
   * Also locks {@code rawKey} when the running statement's keys are locked: a row it read for
   * update or matched without changing it.
   */
  default void lockAtStatementEnd(byte[] rawKey) {}

  /** Ends the running statement, keeping its writes or undoing them. */
  default void endStatement(boolean keep) {}

  /**
   * Whether a buffered write may have a raw key starting with {@code rawPrefix}. The default answers yes, so a
   * reader that caches what committed snapshots hold reads through a transaction it cannot inspect.
   */
  default boolean mayHaveWritten(byte[] rawPrefix) {
    return true;
  }

  void put(byte[] rawKey, byte[] value);

  void delete(byte[] rawKey);

  /**
   * Two-phase commit. Returns the commit ts, or 0 when there was nothing to write.
   *
   * @throws WriteConflictException when another transaction committed or locked one of the keys
   *     after this start ts; the transaction is rolled back.
   */
  long commit();

  /** Drops the buffered writes (and any locks already written). */
  void rollback();
}
