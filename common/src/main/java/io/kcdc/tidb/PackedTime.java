package io.kcdc.tidb;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TiDB's packed DATE/DATETIME/TIMESTAMP ({@code Time.ToPackedUint}):
 * {@code ymd = (year*13 + month) << 5 | day}, {@code hms = hour << 12 | minute << 6 | second},
 * {@code packed = ((ymd << 17) | hms) << 24 | microsecond}; 0 is the zero time.
 */
public final class PackedTime {
  private static final Pattern TEXT = Pattern.compile(
      "(\\d{1,4})-(\\d{1,2})-(\\d{1,2})(?:[ T](\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{0,9}))?)?");

  private PackedTime() {}

  /** Broken-down time; month and day may be 0 (MySQL allows zero parts). */
  public record Parts(int year, int month, int day, int hour, int minute, int second, int micro) {}

  public static long pack(int year, int month, int day, int hour, int minute, int second, int micro) {
    long ymd = ((long) (year * 13 + month) << 5) | day;
    long hms = ((long) hour << 12) | ((long) minute << 6) | second;
    return (((ymd << 17) | hms) << 24) | micro;
  }

  public static long pack(Parts p) {
    return pack(p.year, p.month, p.day, p.hour, p.minute, p.second, p.micro);
  }

  public static Parts unpack(long packed) {
    int micro = (int) (packed & ((1 << 24) - 1));
    long ymdhms = packed >>> 24;
    long ymd = ymdhms >>> 17;
    int day = (int) (ymd & 0x1F);
    long ym = ymd >>> 5;
    int hms = (int) (ymdhms & ((1 << 17) - 1));
    return new Parts((int) (ym / 13), (int) (ym % 13), day, hms >>> 12, (hms >>> 6) & 0x3F,
        hms & 0x3F, micro);
  }

  /**
   * Parses {@code YYYY-MM-DD} or {@code YYYY-MM-DD HH:MM:SS[.ffffff]} (fraction truncated to
   * microseconds).
   */
  public static long parse(String text) {
    Matcher m = TEXT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid time value '" + text + "'");
    }
    int micro = 0;
    if (m.group(7) != null && !m.group(7).isEmpty()) {
      String f = (m.group(7) + "000000").substring(0, 6);
      micro = Integer.parseInt(f);
    }
    return pack(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
        m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
        m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), micro);
  }

  /**
   * {@code YYYY-MM-DD} for DATE, else {@code YYYY-MM-DD HH:MM:SS} plus exactly {@code fsp}
   * fraction digits (fsp &lt;= 0: none). The zero time formats as {@code 0000-00-00 00:00:00}.
   */
  public static String format(long packed, int tp, int fsp) {
    Parts p = unpack(packed);
    String date = String.format("%04d-%02d-%02d", p.year, p.month, p.day);
    if (tp == MysqlType.TYPE_DATE || tp == MysqlType.TYPE_NEWDATE) {
      return date;
    }
    StringBuilder sb = new StringBuilder(date)
        .append(String.format(" %02d:%02d:%02d", p.hour, p.minute, p.second));
    if (fsp > 0) {
      sb.append('.').append(String.format("%06d", p.micro), 0, Math.min(fsp, 6));
    }
    return sb.toString();
  }

  /**
   * Reinterprets a TIMESTAMP stored in {@code from} as wall time in {@code to} (TiDB stores
   * TIMESTAMP in UTC). The zero time and times with zero date parts are not converted.
   */
  public static long convertZone(long packed, ZoneId from, ZoneId to) {
    Parts p = unpack(packed);
    if (packed == 0 || p.month == 0 || p.day == 0) {
      return packed;
    }
    LocalDateTime local = LocalDateTime.of(p.year, p.month, p.day, p.hour, p.minute, p.second,
        p.micro * 1000);
    LocalDateTime converted = local.atZone(from).withZoneSameInstant(to).toLocalDateTime();
    return pack(converted.getYear(), converted.getMonthValue(), converted.getDayOfMonth(),
        converted.getHour(), converted.getMinute(), converted.getSecond(), converted.getNano() / 1000);
  }

  /** {@link #convertZone} from UTC (how TIMESTAMP is stored) to {@code zone}. */
  public static long utcTo(long packed, ZoneId zone) {
    return convertZone(packed, ZoneOffset.UTC, zone);
  }
}
