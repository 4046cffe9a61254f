package io.kcdc.streams.codec;

/** One Kafka record produced by an encoder; {@code key} may be null (canal-json). */
public record EncodedMessage(byte[] key, byte[] value) {
  /** Bytes counted against {@code max-message-bytes}: TiCDC's {@code len(key)+len(value)+MaxRecordOverhead}. */
  public int length() {
    return (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + 36;
  }
}
