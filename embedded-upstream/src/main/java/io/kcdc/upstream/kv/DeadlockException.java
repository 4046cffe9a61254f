package io.kcdc.upstream.kv;

/**
 * A pessimistic lock request would wait for a transaction that (transitively) waits for the
 * requester, as TiKV's deadlock detector reports it; the requester gives up.
 */
public class DeadlockException extends RuntimeException {
  public DeadlockException(long startTs, long holderStartTs) {
    super("deadlock: transaction " + startTs + " waits for transaction " + holderStartTs
        + ", which waits for it");
  }
}
