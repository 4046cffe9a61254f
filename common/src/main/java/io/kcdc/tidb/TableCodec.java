package io.kcdc.tidb;

import java.util.Arrays;

/** TiDB's key layout ({@code pkg/tablecodec}): {@code t{tableId}_r{handle}} and friends. */
public final class TableCodec {
  /** {@code mysql.tidb_ddl_job}: TiCDC subscribes its record span to see DDL jobs. */
  public static final long DDL_JOB_TABLE_ID = 0x0000FFFFFFFFFFFFL - 1;
  /** Column id of the hidden int handle {@code _tidb_rowid}. */
  public static final long EXTRA_HANDLE_ID = -1;

  private static final byte TABLE_PREFIX = 't';
  private static final byte[] RECORD_SEP = {'_', 'r'};
  private static final byte[] INDEX_SEP = {'_', 'i'};
  /** {@code t} + 8 bytes + {@code _r}. */
  public static final int RECORD_PREFIX_LEN = 11;
  private static final int INT_HANDLE_KEY_LEN = RECORD_PREFIX_LEN + 8;

  private TableCodec() {}

  /** Raw {@code t{id}}: TiDB's {@code GenTablePrefix}, where a new table's region starts. */
  public static byte[] tablePrefix(long tableId) {
    return Arrays.copyOf(recordPrefix(tableId), 9);
  }

  /** Raw {@code t{id}_r}. */
  public static byte[] recordPrefix(long tableId) {
    byte[] out = new byte[RECORD_PREFIX_LEN];
    out[0] = TABLE_PREFIX;
    System.arraycopy(Codec.encodeInt(tableId), 0, out, 1, 8);
    out[9] = RECORD_SEP[0];
    out[10] = RECORD_SEP[1];
    return out;
  }

  /** Raw record key for an int handle (19 bytes). */
  public static byte[] recordKey(long tableId, long handle) {
    byte[] out = Arrays.copyOf(recordPrefix(tableId), INT_HANDLE_KEY_LEN);
    System.arraycopy(Codec.encodeInt(handle), 0, out, RECORD_PREFIX_LEN, 8);
    return out;
  }

  /** Raw record key for a common (clustered, non-int) handle already in key-datum encoding. */
  public static byte[] recordKey(long tableId, byte[] commonHandle) {
    byte[] prefix = recordPrefix(tableId);
    byte[] out = Arrays.copyOf(prefix, prefix.length + commonHandle.length);
    System.arraycopy(commonHandle, 0, out, prefix.length, commonHandle.length);
    return out;
  }

  /** Raw {@code t{id}_i{indexId}}. */
  public static byte[] indexPrefix(long tableId, long indexId) {
    byte[] out = new byte[19];
    out[0] = TABLE_PREFIX;
    System.arraycopy(Codec.encodeInt(tableId), 0, out, 1, 8);
    out[9] = INDEX_SEP[0];
    out[10] = INDEX_SEP[1];
    System.arraycopy(Codec.encodeInt(indexId), 0, out, 11, 8);
    return out;
  }

  /** The encoded span {@code [t{id}_r, t{id}_s)} TiCDC subscribes for a (physical) table. */
  public static KeySpan tableSpan(long tableId) {
    byte[] start = recordPrefix(tableId);
    byte[] end = start.clone();
    end[10] = 's';
    return new KeySpan(Codec.encodeBytes(start), Codec.encodeBytes(end));
  }

  public static boolean isRecordKey(byte[] rawKey) {
    return rawKey.length > RECORD_PREFIX_LEN
        && rawKey[0] == TABLE_PREFIX
        && rawKey[9] == RECORD_SEP[0]
        && rawKey[10] == RECORD_SEP[1];
  }

  /** Table id of a raw {@code t...} key. */
  public static long tableIdOf(byte[] rawKey) {
    if (rawKey.length < 9 || rawKey[0] != TABLE_PREFIX) {
      throw new IllegalArgumentException("not a table key");
    }
    return Codec.decodeInt(rawKey, 1);
  }

  /** A decoded record key: an int handle, or the encoded common handle bytes. */
  public record RecordKey(long tableId, long intHandle, byte[] commonHandle) {
    public boolean isIntHandle() {
      return commonHandle == null;
    }
  }

  public static RecordKey decodeRecordKey(byte[] rawKey) {
    if (!isRecordKey(rawKey)) {
      throw new IllegalArgumentException("not a record key");
    }
    long tableId = Codec.decodeInt(rawKey, 1);
    if (rawKey.length == INT_HANDLE_KEY_LEN) {
      return new RecordKey(tableId, Codec.decodeInt(rawKey, RECORD_PREFIX_LEN), null);
    }
    return new RecordKey(tableId, 0, Arrays.copyOfRange(rawKey, RECORD_PREFIX_LEN, rawKey.length));
  }
}
