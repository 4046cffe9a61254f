package io.kcdc.tidb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** Sort keys of TiDB's new collation framework, as far as keys need them. */
final class Collations {
  private Collations() {}

  static byte[] sortKey(byte[] value, String collate) {
    if (collate == null || collate.isEmpty() || collate.equals("binary")) {
      return value;
    }
    byte[] trimmed = trimTrailingSpaces(value);
    if (collate.endsWith("_bin")) {
      return trimmed;
    }
    // Approximation of the case-insensitive weight tables: one 2-byte weight per BMP rune.
    String upper = new String(trimmed, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    byte[] out = new byte[upper.length() * 2];
    int n = 0;
    for (int i = 0; i < upper.length(); ) {
      int cp = upper.codePointAt(i);
      i += Character.charCount(cp);
      int w = cp > 0xFFFF ? 0xFFFD : cp;
      out[n++] = (byte) (w >>> 8);
      out[n++] = (byte) w;
    }
    return Arrays.copyOf(out, n);
  }

  private static byte[] trimTrailingSpaces(byte[] b) {
    int end = b.length;
    while (end > 0 && b[end - 1] == ' ') {
      end--;
    }
    return end == b.length ? b : Arrays.copyOf(b, end);
  }
}
