package io.kcdc.streams.progress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Keys of a changefeed's compacted progress topic {@code _cdc.<changefeed>.progress}: a table's
 * {@code TableProgress} under its 8-byte big-endian table id (written by the Streams app with the sink
 * records it reports on), a sorter's {@code PartitionProgress} under {@code partition-<p>} (ASCII, never 8 bytes),
 * and the owner's {@code DdlWritten} under {@link #ddlWritten()}.
 */
public final class ProgressKeys {
  private static final byte[] DDL_WRITTEN_BYTES = "ddl-written".getBytes(StandardCharsets.US_ASCII);

  private ProgressKeys() {}

  public static byte[] table(long tableId) {
    return ByteBuffer.allocate(Long.BYTES).putLong(tableId).array();
  }

  /** The table a key reports on, empty for other keys. */
  public static OptionalLong tableId(byte[] key) {
    return key != null && key.length == Long.BYTES ? OptionalLong.of(ByteBuffer.wrap(key).getLong()) : OptionalLong.empty();
  }

  private static final String PARTITION_PREFIX = "partition-";

  /** The key of the progress of internal partition {@code p}. */
  public static byte[] partition(int p) {
    return (PARTITION_PREFIX + p).getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether the key is a partition's progress. */
  public static boolean isPartition(byte[] key) {
    return key != null && key.length > PARTITION_PREFIX.length() && key.length != Long.BYTES
        && new String(key, StandardCharsets.US_ASCII).startsWith(PARTITION_PREFIX);
  }

  public static byte[] ddlWritten() {
    return DDL_WRITTEN_BYTES.clone();
  }

  public static boolean isDdlWritten(byte[] key) {
    return Arrays.equals(key, DDL_WRITTEN_BYTES);
  }
}
