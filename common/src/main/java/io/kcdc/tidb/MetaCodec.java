package io.kcdc.tidb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * TiDB's meta structure keys ({@code pkg/structure} under prefix {@code m}): strings are
 * {@code m + EncodeBytes(key) + EncodeUint('s')}, hash fields
 * {@code m + EncodeBytes(key) + EncodeUint('h') + EncodeBytes(field)}. The results are raw keys.
 */
public final class MetaCodec {
  public static final String DBS = "DBs";
  public static final String NEXT_GLOBAL_ID = "NextGlobalID";
  public static final String SCHEMA_VERSION_KEY = "SchemaVersionKey";
  public static final String DDL_JOB_HISTORY = "DDLJobHistory";
  /** Field prefix of table entries inside a {@code DB:<id>} hash. */
  public static final String TABLE_PREFIX = "Table";

  private static final byte META_PREFIX = 'm';
  private static final long STRING_TYPE = 's';
  private static final long HASH_DATA_TYPE = 'h';

  private MetaCodec() {}

  /** Key of a string entry such as {@link #SCHEMA_VERSION_KEY}. */
  public static byte[] stringKey(String key) {
    ByteArrayOutputStream out = prefixed(key);
    out.writeBytes(Codec.encodeUint(STRING_TYPE));
    return out.toByteArray();
  }

  public static byte[] hashFieldKey(String key, String field) {
    return hashFieldKey(key, field.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] hashFieldKey(String key, byte[] field) {
    ByteArrayOutputStream out = prefixed(key);
    out.writeBytes(Codec.encodeUint(HASH_DATA_TYPE));
    out.writeBytes(Codec.encodeBytes(field));
    return out.toByteArray();
  }

  /** Prefix shared by all field keys of a hash; scan {@code [prefix, prefixEnd(prefix))}. */
  public static byte[] hashPrefix(String key) {
    ByteArrayOutputStream out = prefixed(key);
    out.writeBytes(Codec.encodeUint(HASH_DATA_TYPE));
    return out.toByteArray();
  }

  /** The smallest key greater than every key starting with {@code prefix}. */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = Arrays.copyOf(prefix, prefix.length);
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return new byte[0];
  }

  /** The field of a hash field key, as UTF-8 text (inverse of {@link #hashFieldKey}). */
  public static String hashField(byte[] rawKey) {
    return new String(hashFieldBytes(rawKey), StandardCharsets.UTF_8);
  }

  public static byte[] hashFieldBytes(byte[] rawKey) {
    if (rawKey.length == 0 || rawKey[0] != META_PREFIX) {
      throw new IllegalArgumentException("not a meta key");
    }
    Codec.Decoded<byte[]> key = Codec.decodeBytes(rawKey, 1);
    if (key.next() + 8 > rawKey.length || Codec.decodeUint(rawKey, key.next()) != HASH_DATA_TYPE) {
      throw new IllegalArgumentException("not a hash field key");
    }
    return Codec.decodeBytes(rawKey, key.next() + 8).value();
  }

  /** The 8-byte big-endian field {@link #DDL_JOB_HISTORY} uses for a job id. */
  public static byte[] jobIdField(long jobId) {
    return Codec.encodeUint(jobId);
  }

  public static String dbKey(long dbId) {
    return "DB:" + dbId;
  }

  public static String tableField(long tableId) {
    return TABLE_PREFIX + ":" + tableId;
  }

  public static boolean isTableField(String field) {
    return field.startsWith(TABLE_PREFIX + ":");
  }

  /** Id part of a {@code DB:<id>} or {@code Table:<id>} name. */
  public static long idOf(String keyOrField) {
    int colon = keyOrField.indexOf(':');
    return Long.parseLong(keyOrField.substring(colon + 1));
  }

  private static ByteArrayOutputStream prefixed(String key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(META_PREFIX);
    out.writeBytes(Codec.encodeBytes(key.getBytes(StandardCharsets.UTF_8)));
    return out;
  }
}
