package io.kcdc.gateway.api;

import java.math.BigDecimal;

/** Go's {@code time.Duration.String()} for messages, e.g. {@code 1h30m0s}, {@code 10s}, {@code 500ms}. */
final class GoDurations {
  private GoDurations() {}

  static String format(long ns) {
    if (ns == 0) {
      return "0s";
    }
    String sign = ns < 0 ? "-" : "";
    long abs = Math.abs(ns);
    if (abs < 1_000L) {
      return sign + abs + "ns";
    }
    if (abs < 1_000_000L) {
      return sign + trim(BigDecimal.valueOf(abs, 3)) + "µs";
    }
    if (abs < 1_000_000_000L) {
      return sign + trim(BigDecimal.valueOf(abs, 6)) + "ms";
    }
    long hours = abs / 3_600_000_000_000L;
    long rest = abs % 3_600_000_000_000L;
    long minutes = rest / 60_000_000_000L;
    long secNs = rest % 60_000_000_000L;
    StringBuilder b = new StringBuilder(sign);
    if (hours > 0) {
      b.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      b.append(minutes).append('m');
    }
    b.append(trim(BigDecimal.valueOf(secNs, 9))).append('s');
    return b.toString();
  }

  private static String trim(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
  }
}
