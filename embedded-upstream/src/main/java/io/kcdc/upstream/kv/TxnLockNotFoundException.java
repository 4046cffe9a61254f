package io.kcdc.upstream.kv;

/**
 * A commit (here: by ResolveLock) found no lock of the transaction on a key and no commit record
 * either: the transaction was rolled back there (TiKV's TxnLockNotFound).
 */
public class TxnLockNotFoundException extends RuntimeException {
  private final transient byte[] rawKey;

  public TxnLockNotFoundException(byte[] rawKey, long startTs, long commitTs) {
    super("txn lock not found: start ts " + startTs + ", commit ts " + commitTs);
    this.rawKey = rawKey;
  }

  public byte[] rawKey() {
    return rawKey;
  }
}
