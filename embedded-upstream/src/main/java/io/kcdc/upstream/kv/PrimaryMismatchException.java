package io.kcdc.upstream.kv;

/** CheckTxnStatus was sent to a key whose lock names another primary (TiKV's PrimaryMismatch). */
public class PrimaryMismatchException extends RuntimeException {
  private final transient MvccLock lock;

  public PrimaryMismatchException(MvccLock lock) {
    super("the lock of txn " + lock.startTs() + " on this key names another primary");
    this.lock = lock;
  }

  public MvccLock lock() {
    return lock;
  }
}
