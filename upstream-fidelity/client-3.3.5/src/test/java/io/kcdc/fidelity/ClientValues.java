package io.kcdc.fidelity;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.tikv.common.meta.TiColumnInfo;
import org.tikv.common.types.DataType;
import org.tikv.common.types.MySQLType;

/**
 * Renders the Java objects tikv-client-java's row decoder returns as the text a MySQL client
 * reads, so they compare with what was inserted.
 */
final class ClientValues {
  private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private ClientValues() {}

  static List<Object> render(Object[] values, List<TiColumnInfo> columns) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(values[i] == null ? null : render(values[i], columns.get(i).getType()));
    }
    return out;
  }

  private static String render(Object v, DataType type) {
    MySQLType t = type.getType();
    boolean binary = "binary".equals(type.getCharset());
    return switch (t) {
      case TypeTiny, TypeShort, TypeInt24, TypeLong, TypeLonglong -> integer((Long) v, t, type.isUnsigned());
      case TypeYear -> v.toString();
      case TypeFloat, TypeDouble -> v.toString();
      case TypeNewDecimal -> ((BigDecimal) v).toPlainString();
      // The client builds these from a proleptic-Gregorian instant; java.sql.Date#toString would
      // show years before 1582 in the Julian calendar.
      case TypeDate -> Instant.ofEpochMilli(((java.util.Date) v).getTime()).atZone(ZoneId.systemDefault())
          .toLocalDate().toString();
      case TypeDatetime -> DATETIME.format(((Timestamp) v).toInstant().atZone(ZoneId.systemDefault()));
      case TypeTimestamp -> DATETIME.format(((Timestamp) v).toInstant().atZone(ZoneOffset.UTC));
      case TypeDuration -> time(Duration.ofNanos((Long) v));
      case TypeEnum, TypeSet, TypeJSON -> v.toString();
      case TypeBit -> "x'" + HexFormat.of().formatHex(bitWidth((byte[]) v, type.getLength())) + "'";
      default -> binary ? "x'" + HexFormat.of().formatHex(bytes(v)) + "'" : new String(bytes(v), StandardCharsets.UTF_8);
    };
  }

  /**
   * Row format v2 stores an unsigned integer in the fewest bytes that hold it (TiDB's
   * encodeUint); the client sign-extends every integer, so an unsigned value is read back within
   * its column's width, as TiDB's own decoder does.
   */
  private static String integer(long v, MySQLType t, boolean unsigned) {
    if (!unsigned) {
      return Long.toString(v);
    }
    int bits = switch (t) {
      case TypeTiny -> 8;
      case TypeShort -> 16;
      case TypeInt24 -> 24;
      case TypeLong -> 32;
      default -> 64;
    };
    return bits == 64 ? Long.toUnsignedString(v) : Long.toString(v & ((1L << bits) - 1));
  }

  /** BIT values are unsigned too: the client sign-extends a stored 0xff to eight 0xff bytes. */
  private static byte[] bitWidth(byte[] v, long bits) {
    int width = (int) ((bits + 7) / 8);
    return v.length <= width ? v : java.util.Arrays.copyOfRange(v, v.length - width, v.length);
  }

  private static String time(Duration d) {
    Duration abs = d.abs();
    return (d.isNegative() ? "-" : "") + String.format("%02d:%02d:%02d", abs.toHours(), abs.toMinutesPart(),
        abs.toSecondsPart());
  }

  private static byte[] bytes(Object v) {
    return v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
  }
}
