package io.kcdc.streams.sorter;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key of a buffered row in the sorter store, ordered bytewise like TiCDC's pebble sorter key:
 * {@code tableId u64 BE | commitTs u64 BE | startTs u64 BE | dmlOrder u16 BE | raw row key}. A re-sent row has
 * the same key, so it overwrites itself; within a transaction deletes come before updates before inserts.
 */
public final class SorterKey {
  public static final int DELETE = 1;
  public static final int UPDATE = 2;
  public static final int INSERT = 3;
  private static final int HEADER = 26;

  private SorterKey() {}

  public static Bytes of(long tableId, long commitTs, long startTs, int dmlOrder, byte[] rawKey) {
    return Bytes.wrap(ByteBuffer.allocate(HEADER + rawKey.length)
        .putLong(tableId).putLong(commitTs).putLong(startTs).putShort((short) dmlOrder).put(rawKey).array());
  }

  /** Smallest key of a table (inclusive lower bound of its rows). */
  public static Bytes tableStart(long tableId) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(tableId).array());
  }

  /**
   * Inclusive upper bound of the table's rows with {@code commitTs <= resolvedTs} (unsigned): the 16-byte key
   * {@code tableId | resolvedTs+1} sorts after every longer key of a smaller commit ts and is never a row key.
   */
  public static Bytes releaseEnd(long tableId, long resolvedTs) {
    if (resolvedTs == -1L) {
      return Bytes.wrap(ByteBuffer.allocate(8).putLong(tableId + 1).array());
    }
    return Bytes.wrap(ByteBuffer.allocate(16).putLong(tableId).putLong(resolvedTs + 1).array());
  }

  public static long tableId(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong(0);
  }

  public static long commitTs(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong(8);
  }

  public static long startTs(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong(16);
  }

  public static int dmlOrder(Bytes key) {
    return ByteBuffer.wrap(key.get()).getShort(24);
  }
}
