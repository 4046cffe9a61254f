package io.kcdc.upstream.kv;

/**
 * One change of the store as TiKV's CDC observer reports it (storage vocabulary, no protobuf):
 * PREWRITE carries value and old value, COMMIT carries the commit ts, ROLLBACK only the key and
 * start ts; COMMITTED is a committed version found by an incremental scan (full row).
 *
 * @param value the new value; empty for deletes and for COMMIT/ROLLBACK
 * @param oldValue the latest committed value before this change; empty when there was none
 */
public record MvccChange(
    Kind kind, boolean delete, byte[] rawKey, long startTs, long commitTs, byte[] value, byte[] oldValue) {

  /** The log types of TiKV's CDC rows that a store change maps to. */
  public enum Kind {
    PREWRITE,
    COMMIT,
    ROLLBACK,
    COMMITTED
  }
}
