package io.kcdc.upstream.kv;

/** A pessimistic lock request waited its whole lock wait timeout for another transaction's lock. */
public class LockWaitTimeoutException extends RuntimeException {
  public LockWaitTimeoutException(long startTs, long holderStartTs) {
    super("transaction " + startTs + " timed out waiting for the lock of transaction " + holderStartTs);
  }
}
