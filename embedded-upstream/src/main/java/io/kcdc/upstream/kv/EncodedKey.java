package io.kcdc.upstream.kv;

import io.kcdc.tidb.Codec;
import java.util.Arrays;

/**
 * A store key in its memcomparable form, ordered bytewise unsigned. Raw TiDB keys sort the same
 * way, but regions and CDC spans are given in encoded keys, so the store indexes by those.
 */
final class EncodedKey implements Comparable<EncodedKey> {
  final byte[] bytes;

  private EncodedKey(byte[] bytes) {
    this.bytes = bytes;
  }

  static EncodedKey ofRaw(byte[] rawKey) {
    return new EncodedKey(Codec.encodeBytes(rawKey));
  }

  static EncodedKey ofEncoded(byte[] encodedKey) {
    return new EncodedKey(encodedKey);
  }

  @Override
  public int compareTo(EncodedKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
