package io.kcdc.tidb;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** TIME values: Go {@code time.Duration} nanoseconds, text {@code [-]HH:MM:SS[.ffffff]}. */
public final class DurationCodec {
  private static final Pattern TEXT =
      Pattern.compile("(-)?(?:(\\d+) )?(\\d+):(\\d{1,2})(?::(\\d{1,2})(?:\\.(\\d{0,9}))?)?");
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private DurationCodec() {}

  /** Parses {@code [-][D ]HH:MM[:SS[.fraction]]} (hours may exceed 24) to nanoseconds. */
  public static long parseNanos(String text) {
    Matcher m = TEXT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid time value '" + text + "'");
    }
    long days = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    long hours = Long.parseLong(m.group(3)) + days * 24;
    long minutes = Long.parseLong(m.group(4));
    long seconds = m.group(5) == null ? 0 : Long.parseLong(m.group(5));
    long nanos = 0;
    if (m.group(6) != null && !m.group(6).isEmpty()) {
      nanos = Long.parseLong((m.group(6) + "000000000").substring(0, 9));
    }
    long total = ((hours * 60 + minutes) * 60 + seconds) * NANOS_PER_SECOND + nanos;
    return m.group(1) != null ? -total : total;
  }

  /** TiDB's {@code Duration.String()}: exactly {@code fsp} fraction digits (fsp &lt;= 0: none). */
  public static String format(long nanos, int fsp) {
    boolean negative = nanos < 0;
    long abs = Math.abs(nanos);
    long totalSeconds = abs / NANOS_PER_SECOND;
    long fracNanos = abs % NANOS_PER_SECOND;
    StringBuilder sb = new StringBuilder();
    if (negative) {
      sb.append('-');
    }
    sb.append(String.format("%02d:%02d:%02d", totalSeconds / 3600, totalSeconds / 60 % 60,
        totalSeconds % 60));
    if (fsp > 0) {
      sb.append('.').append(String.format("%09d", fracNanos), 0, Math.min(fsp, 6));
    }
    return sb.toString();
  }
}
