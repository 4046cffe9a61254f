package io.kcdc.streams.codec;

import java.nio.charset.StandardCharsets;

/**
 * Writes JSON text exactly as Go's encoders do (easyjson/goccy/encoding/json): HTML characters and U+2028/U+2029
 * escaped, control characters as {@code \n \r \t} or lowercase four-digit unicode escapes, other non-ASCII text raw, unpaired
 * surrogates as the escaped replacement character. Jackson escapes differently, and TiCDC's consumers compare bytes.
 */
final class GoJsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private final StringBuilder out = new StringBuilder(256);

  GoJsonWriter raw(String s) {
    out.append(s);
    return this;
  }

  GoJsonWriter raw(char c) {
    out.append(c);
    return this;
  }

  GoJsonWriter number(long v) {
    out.append(v);
    return this;
  }

  GoJsonWriter unsigned(long v) {
    out.append(Long.toUnsignedString(v));
    return this;
  }

  GoJsonWriter string(String s) {
    out.append('"');
    int plainFrom = 0; // characters that need no escape are copied in runs, not one by one
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (plain(c)) {
        continue;
      }
      out.append(s, plainFrom, i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(c);
        default -> {
          if (c < 0x20) {
            unicodeEscape(c);
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else {
            out.append("\\ufffd"); // an unpaired surrogate
          }
        }
      }
      plainFrom = i + 1;
    }
    out.append(s, plainFrom, s.length()).append('"');
    return this;
  }

  /** Written as it is: not a quote, backslash, control or HTML character, U+2028/U+2029 or a surrogate. */
  private static boolean plain(char c) {
    if (c < 0x80) {
      return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
    }
    return c != '\u2028' && c != '\u2029' && !Character.isSurrogate(c);
  }

  private void unicodeEscape(char c) {
    out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
  }

  byte[] toBytes() {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
