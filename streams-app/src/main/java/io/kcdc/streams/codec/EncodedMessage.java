package io.kcdc.streams.codec;

/** One Kafka record produced by an encoder; {@code key} may be null (canal-json), {@code value} too (avro delete). */
public record EncodedMessage(byte[] key, byte[] value) {
  /** TiCDC's {@code MaxRecordOverhead} (5*5+10+1): a record's framing in a Kafka batch. */
  public static final int RECORD_OVERHEAD = 36;

  /** Bytes counted against {@code max-message-bytes}: TiCDC's {@code len(key)+len(value)+MaxRecordOverhead}. */
  public int length() {
    return (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + RECORD_OVERHEAD;
  }
}
