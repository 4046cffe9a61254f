package io.kcdc.upstream.kv;

/**
 * A lock in TiKV's lock CF. A prewrite lock (Put/Delete) is written by prewrite and removed by
 * commit or rollback; a pessimistic lock is taken by a pessimistic transaction's DML statement,
 * carries no value, does not block readers and is turned into a prewrite lock at commit.
 *
 * @param createdMillis wall clock when written; with {@code ttlMillis} it decides when a reader may
 *     resolve the lock of a transaction that went away
 * @param forUpdateTs the pessimistic transaction's for_update_ts (0 for optimistic transactions)
 */
public record MvccLock(
    byte[] rawKey, byte[] primary, long startTs, boolean delete, long ttlMillis, long createdMillis,
    boolean pessimistic, long forUpdateTs) {

  boolean expiredAt(long nowMillis) {
    return nowMillis >= createdMillis + ttlMillis;
  }
}
