package io.kcdc.upstream.kv;

/**
 * CheckTxnStatus without {@code rollback_if_not_exist} found neither a lock nor a commit or
 * rollback record of the transaction on its primary (TiKV's TxnNotFound): the primary may still
 * be on its way, so the caller decides by the lock's own TTL.
 */
public class TxnNotFoundException extends RuntimeException {
  private final long startTs;
  private final transient byte[] primary;

  public TxnNotFoundException(long startTs, byte[] primary) {
    super("txn " + startTs + " not found on its primary");
    this.startTs = startTs;
    this.primary = primary;
  }

  public long startTs() {
    return startTs;
  }

  public byte[] primary() {
    return primary;
  }
}
