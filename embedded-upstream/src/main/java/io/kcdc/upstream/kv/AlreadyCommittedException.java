package io.kcdc.upstream.kv;

/** A rollback (here: by ResolveLock) met a key the transaction already committed (TiKV's Committed). */
public class AlreadyCommittedException extends RuntimeException {
  public AlreadyCommittedException(long startTs, long commitTs) {
    super("txn " + startTs + " is already committed at " + commitTs);
  }
}
