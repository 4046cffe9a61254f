package io.kcdc.upstream.mysql;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a packet payload with the protocol's integer and string encodings. */
final class PayloadReader {
  private final byte[] b;
  private int pos;

  PayloadReader(byte[] b) {
    this.b = b;
  }

  boolean hasMore() {
    return pos < b.length;
  }

  int int1() {
    return b[pos++] & 0xFF;
  }

  int int2() {
    return int1() | int1() << 8;
  }

  long int4() {
    return (long) int2() | (long) int2() << 16;
  }

  long lenenc() {
    int first = int1();
    return switch (first) {
      case 0xFC -> int2();
      case 0xFD -> int2() | (long) int1() << 16;
      case 0xFE -> int4() | int4() << 32;
      default -> first;
    };
  }

  void skip(int n) {
    pos += n;
  }

  byte[] bytes(int n) {
    byte[] out = Arrays.copyOfRange(b, pos, pos + n);
    pos += n;
    return out;
  }

  byte[] rest() {
    return bytes(b.length - pos);
  }

  String nulString() {
    int start = pos;
    while (pos < b.length && b[pos] != 0) {
      pos++;
    }
    String s = new String(b, start, pos - start, StandardCharsets.UTF_8);
    if (pos < b.length) {
      pos++;
    }
    return s;
  }

  String eofString() {
    return new String(rest(), StandardCharsets.UTF_8);
  }
}
