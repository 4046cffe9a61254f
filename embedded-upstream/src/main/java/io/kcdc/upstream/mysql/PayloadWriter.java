package io.kcdc.upstream.mysql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds a packet payload with the protocol's integer and string encodings. */
final class PayloadWriter {
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

  PayloadWriter int1(int v) {
    buf.write(v);
    return this;
  }

  PayloadWriter int2(int v) {
    buf.write(v);
    buf.write(v >> 8);
    return this;
  }

  PayloadWriter int3(int v) {
    int2(v);
    buf.write(v >> 16);
    return this;
  }

  PayloadWriter int4(long v) {
    for (int i = 0; i < 4; i++) {
      buf.write((int) (v >> (8 * i)));
    }
    return this;
  }

  /** Length-encoded integer. */
  PayloadWriter lenenc(long v) {
    if (v >= 0 && v < 251) {
      buf.write((int) v);
    } else if (v >= 0 && v < (1 << 16)) {
      buf.write(0xFC);
      int2((int) v);
    } else if (v >= 0 && v < (1 << 24)) {
      buf.write(0xFD);
      int3((int) v);
    } else {
      buf.write(0xFE);
      for (int i = 0; i < 8; i++) {
        buf.write((int) (v >> (8 * i)));
      }
    }
    return this;
  }

  PayloadWriter bytes(byte[] b) {
    buf.writeBytes(b);
    return this;
  }

  PayloadWriter zeros(int n) {
    for (int i = 0; i < n; i++) {
      buf.write(0);
    }
    return this;
  }

  /** Text without terminator (rest of packet). */
  PayloadWriter eofString(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  PayloadWriter nulString(String s) {
    bytes(s.getBytes(StandardCharsets.UTF_8));
    buf.write(0);
    return this;
  }

  PayloadWriter lenencString(String s) {
    return lenencBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  PayloadWriter lenencBytes(byte[] b) {
    lenenc(b.length);
    return bytes(b);
  }

  byte[] toByteArray() {
    return buf.toByteArray();
  }
}
