package io.kcdc.common;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Go's {@code time.Duration} as text, in nanoseconds: TiCDC's configs, flags and sink URIs take
 * durations the way {@code time.ParseDuration} reads them ({@code 10s}, {@code 1h30m}, {@code 1.5h},
 * {@code 500ms}) and its messages print them as {@code Duration.String} does ({@code 1h0m0s}).
 */
public final class GoDuration {
  private static final Map<String, Long> UNITS = Map.of(
      "ns", 1L,
      "us", 1_000L,
      "µs", 1_000L, // U+00B5 micro sign
      "μs", 1_000L, // U+03BC Greek mu
      "ms", 1_000_000L,
      "s", 1_000_000_000L,
      "m", 60_000_000_000L,
      "h", 3_600_000_000_000L);
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /**
   * {@code time.ParseDuration}: an optional sign, then decimal numbers each with a unit.
   *
   * @throws IllegalArgumentException with Go's message, e.g. {@code time: missing unit in duration "10"}
   */
  public static long parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      i = digits(s, i);
      if (i < s.length() && s.charAt(i) == '.') {
        i = digits(s, i + 1);
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".")) {
        throw invalid(text); // no digits before or after the point
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      Long scale = UNITS.get(unit);
      if (scale == null) {
        throw new IllegalArgumentException("time: unknown unit " + quote(unit) + " in duration " + quote(text));
      }
      total = total.add(new BigDecimal(number.endsWith(".") ? number + "0" : number)
          .multiply(BigDecimal.valueOf(scale)));
    }
    if (total.compareTo(MAX) > 0) {
      throw invalid(text);
    }
    long ns = total.longValue();
    return negative ? -ns : ns;
  }

  /** {@code Duration.String}: {@code 0s}, {@code 500ns}, {@code 1.5µs}, {@code 10ms}, {@code 1h30m0s}. */
  public static String format(long ns) {
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

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("time: invalid duration " + quote(text));
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
