package io.kcdc.upstream.kv;

/**
 * A Percolator lock (TiKV's lock CF): written by prewrite, removed by commit or rollback.
 *
 * @param createdMillis wall clock when written; with {@code ttlMillis} it decides when a reader may
 *     resolve the lock of a transaction that went away
 */
public record MvccLock(
    byte[] rawKey, byte[] primary, long startTs, boolean delete, long ttlMillis, long createdMillis) {

  boolean expiredAt(long nowMillis) {
    return nowMillis >= createdMillis + ttlMillis;
  }
}
