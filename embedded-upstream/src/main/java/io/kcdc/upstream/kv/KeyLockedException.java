package io.kcdc.upstream.kv;

/** A read met a lock that neither went away nor expired within the read's wait limit. */
public class KeyLockedException extends RuntimeException {
  private final transient MvccLock lock;

  public KeyLockedException(MvccLock lock) {
    super("key is locked by transaction " + lock.startTs());
    this.lock = lock;
  }

  public MvccLock lock() {
    return lock;
  }
}
