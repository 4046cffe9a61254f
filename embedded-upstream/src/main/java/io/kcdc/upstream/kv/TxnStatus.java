package io.kcdc.upstream.kv;

/**
 * What TiKV's CheckTxnStatus found out about a transaction from its primary key, and what it did
 * (see docs/lock-resolving.md).
 */
public sealed interface TxnStatus {

  /** The primary was committed at {@code commitTs}. */
  record Committed(long commitTs) implements TxnStatus {}

  /** The transaction is rolled back; {@code action} says whether this check did it and why. */
  record RolledBack(Action action) implements TxnStatus {}

  /**
   * The primary lock is still alive.
   *
   * @param ttlMillis the lock's TTL, measured from the physical time of its start ts
   * @param minCommitTsPushed TiKV's MinCommitTSPushed: the caller may read past the lock
   */
  record Locked(MvccLock lock, long ttlMillis, boolean minCommitTsPushed) implements TxnStatus {}

  /** kvproto's {@code Action} for a rolled-back transaction. */
  enum Action {
    /** It was rolled back before this check. */
    NO_ACTION,
    /** Its expired primary lock was rolled back now. */
    TTL_EXPIRE_ROLLBACK,
    /** No lock and no commit record: a rollback record was written now. */
    LOCK_NOT_EXIST_ROLLBACK,
    /** Its expired pessimistic primary lock was removed now, without a rollback record. */
    TTL_EXPIRE_PESSIMISTIC_ROLLBACK,
    /** No lock and no record while resolving a pessimistic lock: nothing was written. */
    LOCK_NOT_EXIST_DO_NOTHING
  }
}
