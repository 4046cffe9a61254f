package io.kcdc.connector.puller;

import java.util.HexFormat;

/**
 * One committed change of a raw key as the puller delivers it (TiCDC's {@code RawKVEntry}):
 * the new value (empty for a DELETE) and, with {@code ReadOldValue}, the previous value (empty
 * for an INSERT).
 */
public record RawKvEntry(OpType op, byte[] key, byte[] value, byte[] oldValue, long startTs, long commitTs, long regionId) {

  /** What the transaction did to the key. */
  public enum OpType { PUT, DELETE }

  public boolean isUpdate() {
    return op == OpType.PUT && value.length > 0 && oldValue.length > 0;
  }

  /** Approximate heap size, for the memory bound. */
  public long approximateBytes() {
    return 64L + key.length + value.length + oldValue.length;
  }

  @Override
  public String toString() {
    return op + " " + HexFormat.of().formatHex(key) + " start " + startTs + " commit " + commitTs + " region " + regionId;
  }
}
