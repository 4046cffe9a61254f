package io.kcdc.upstream.mysql;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * MySQL packet framing: 3-byte little-endian payload length, 1-byte sequence id, payload.
 * Payloads of 16 MiB - 1 or more continue in following packets.
 */
final class PacketChannel {
  static final int MAX_PAYLOAD = 0xFFFFFF;

  private final InputStream in;
  private final OutputStream out;
  private int sequence;

  PacketChannel(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /** A command starts a new sequence at 0. */
  void resetSequence() {
    sequence = 0;
  }

  /** Reads one logical packet, or {@code null} when the client closed the connection. */
  byte[] read() throws IOException {
    byte[] result = null;
    while (true) {
      byte[] header = new byte[4];
      int n = in.readNBytes(header, 0, 4);
      if (n == 0 && result == null) {
        return null;
      }
      if (n < 4) {
        throw new EOFException("truncated packet header");
      }
      int len = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
      sequence = (header[3] + 1) & 0xFF;
      byte[] part = in.readNBytes(len);
      if (part.length < len) {
        throw new EOFException("truncated packet");
      }
      if (result == null) {
        result = part;
      } else {
        byte[] joined = Arrays.copyOf(result, result.length + part.length);
        System.arraycopy(part, 0, joined, result.length, part.length);
        result = joined;
      }
      if (len < MAX_PAYLOAD) {
        return result;
      }
    }
  }

  /** Writes one logical packet (buffered; call {@link #flush()}). */
  void write(byte[] payload) throws IOException {
    int off = 0;
    while (true) {
      int len = Math.min(MAX_PAYLOAD, payload.length - off);
      out.write(len & 0xFF);
      out.write((len >> 8) & 0xFF);
      out.write((len >> 16) & 0xFF);
      out.write(sequence);
      sequence = (sequence + 1) & 0xFF;
      out.write(payload, off, len);
      off += len;
      if (len < MAX_PAYLOAD) {
        return;
      }
    }
  }

  void flush() throws IOException {
    out.flush();
  }
}
