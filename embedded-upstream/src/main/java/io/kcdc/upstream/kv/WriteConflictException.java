package io.kcdc.upstream.kv;

/** A key was written by a transaction that committed after this one started. */
public class WriteConflictException extends RuntimeException {
  public WriteConflictException(String message) {
    super(message);
  }
}
