package io.kcdc.streams.progress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Keys of a changefeed's compacted progress topic {@code _cdc.<changefeed>.progress}: a table's
 * {@code TableProgress} under its 8-byte big-endian table id (written by the Streams app with the sink
 * records it reports on), and the owner's {@code DdlWritten} under {@link #DDL_WRITTEN}.
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

  public static byte[] ddlWritten() {
    return DDL_WRITTEN_BYTES.clone();
  }

  public static boolean isDdlWritten(byte[] key) {
    return Arrays.equals(key, DDL_WRITTEN_BYTES);
  }
}
