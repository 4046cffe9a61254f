package io.kcdc.tidb;

import java.util.HexFormat;

/** Space-separated hex as the spec writes byte examples. */
final class Hex {
  private Hex() {}

  static byte[] bytes(String spaced) {
    return HexFormat.of().parseHex(spaced.replace(" ", ""));
  }

  static String of(byte[] b) {
    return HexFormat.ofDelimiter(" ").formatHex(b);
  }
}
