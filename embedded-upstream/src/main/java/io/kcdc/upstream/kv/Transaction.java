package io.kcdc.upstream.kv;

/**
 * An optimistic transaction: writes are buffered and applied by {@link #commit()} with
 * Percolator's two-phase commit (prewrite every key with a primary lock, take a commit ts from
 * the TSO, commit the primary, then the secondaries), so EventFeed observers see PREWRITE then
 * COMMIT rows exactly as from TiKV. Reads see the snapshot at the start ts plus own writes.
 */
public interface Transaction extends Snapshot {
  long startTs();

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
