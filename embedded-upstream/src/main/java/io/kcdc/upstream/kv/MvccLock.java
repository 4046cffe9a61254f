package io.kcdc.upstream.kv;

/**
 * A lock in TiKV's lock CF. A prewrite lock (Put/Delete) is written by prewrite and removed by
 * commit or rollback; a pessimistic lock is taken by a pessimistic transaction's DML statement,
 * carries no value, does not block readers and is turned into a prewrite lock at commit.
 *
 * @param createdMillis wall clock when written; with {@code ttlMillis} it decides when a reader of
 *     the SQL front may resolve the lock of a transaction that went away
 * @param forUpdateTs the pessimistic transaction's for_update_ts (0 for optimistic transactions)
 * @param txnSize how many keys the prewrite that wrote the lock carried (TiKV's {@code txn_size};
 *     0 for pessimistic locks); lock resolvers treat small transactions key by key
 */
public record MvccLock(
    byte[] rawKey, byte[] primary, long startTs, boolean delete, long ttlMillis, long createdMillis,
    boolean pessimistic, long forUpdateTs, long txnSize) {

  boolean expiredAt(long nowMillis) {
    return nowMillis >= createdMillis + ttlMillis;
  }
}
