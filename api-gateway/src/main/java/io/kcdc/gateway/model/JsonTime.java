package io.kcdc.gateway.model;

import io.kcdc.common.Tso;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** TiCDC's {@code JSONTime}: {@code "2006-01-02 15:04:05.000"} in the server's time zone. */
public final class JsonTime {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  /** What Go prints for the zero {@code time.Time}. */
  public static final String ZERO = "0001-01-01 00:00:00.000";

  private JsonTime() {}

  public static String format(Instant instant, ZoneId zone) {
    return FORMAT.format(instant.atZone(zone));
  }

  /** The physical time of a TSO in the local zone. */
  public static String ofTso(long ts) {
    return format(Tso.toInstant(ts), ZoneId.systemDefault());
  }

  /** Now, as Go's {@code time.Now()} would be written into JSON (RFC 3339 with local offset). */
  public static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneId.systemDefault());
  }
}
