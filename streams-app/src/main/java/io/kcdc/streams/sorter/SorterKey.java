package io.kcdc.streams.sorter;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key of a buffered row in the sorter store, ordered bytewise like TiCDC's pebble sorter key:
 * {@code tableId u64 BE | commitTs u64 BE | startTs u64 BE | dmlOrder u16 BE | raw row key}. A re-sent row has
 * the same key, so it overwrites itself; within a transaction deletes come before updates before inserts.
 *
 * <p>A table that holds keys also has two markers, live for as long as the table is in the store: {@link
 * #tableStart} (its 8-byte id) before its rows and {@link #tableEnd} ({@code tableId | 0xFF x 9}) after them. They
 * bound what a range scan reads past its end: Kafka Streams' RocksDB iterator reads one key ahead and sets no
 * upper bound, so without them a scan that ends after a table's last row steps over the tombstones of every row
 * released since the last compaction up to the next live key (docs/crash-recovery.md, "A Streams thread held by
 * RocksDB tombstones"). With them it stops at the table's end marker or at the next table's start marker.
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

  /** The table's start marker: its smallest key, below every row key of it. */
  public static Bytes tableStart(long tableId) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(tableId).array());
  }

  /** The table's end marker: its largest key, above every row key of it and below the next table's start. */
  public static Bytes tableEnd(long tableId) {
    return Bytes.wrap(ByteBuffer.allocate(17).putLong(tableId).putLong(-1L).put((byte) -1).array());
  }

  /** Inclusive upper bound of all the table's rows: below its end marker. */
  public static Bytes rowsEnd(long tableId) {
    return Bytes.wrap(ByteBuffer.allocate(16).putLong(tableId).putLong(-1L).array());
  }

  /** Whether the key is a table's start marker. */
  public static boolean isTableStart(Bytes key) {
    return key.get().length == 8;
  }

  /** Whether the key is a table's start or end marker rather than a row. */
  public static boolean isMarker(Bytes key) {
    return isTableStart(key) || key.get().length == 17;
  }

  /**
   * Inclusive upper bound of the table's rows with {@code commitTs <= resolvedTs} (unsigned): the 16-byte key
   * {@code tableId | resolvedTs+1} sorts after every longer key of a smaller commit ts and is never a row key.
   */
  public static Bytes releaseEnd(long tableId, long resolvedTs) {
    if (resolvedTs == -1L) {
      return rowsEnd(tableId);
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
