package io.kcdc.gateway.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * TiCDC's {@code JSONDuration}: written as integer nanoseconds, read from a number (ns) or from a Go
 * duration string such as {@code "10m"} or {@code "1h30m"}.
 */
public final class JsonDuration {
  private static final Map<String, Long> UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "μs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private JsonDuration() {}

  /** Parses a Go duration string ({@code time.ParseDuration}) into nanoseconds. */
  public static long parseGo(String s) {
    String in = s;
    if (in.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration \"" + s + "\"");
    }
    boolean negative = false;
    if (in.charAt(0) == '-' || in.charAt(0) == '+') {
      negative = in.charAt(0) == '-';
      in = in.substring(1);
    }
    if (in.equals("0")) {
      return 0;
    }
    if (in.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration \"" + s + "\"");
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < in.length()) {
      int start = i;
      while (i < in.length() && (Character.isDigit(in.charAt(i)) || in.charAt(i) == '.')) {
        i++;
      }
      String number = in.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.chars().filter(c -> c == '.').count() > 1) {
        throw new IllegalArgumentException("time: invalid duration \"" + s + "\"");
      }
      int unitStart = i;
      while (i < in.length() && !Character.isDigit(in.charAt(i)) && in.charAt(i) != '.') {
        i++;
      }
      String unit = in.substring(unitStart, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("time: missing unit in duration \"" + s + "\"");
      }
      Long scale = UNITS.get(unit);
      if (scale == null) {
        throw new IllegalArgumentException(
            "time: unknown unit \"" + unit + "\" in duration \"" + s + "\"");
      }
      total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(scale)));
    }
    long ns = total.longValue();
    return negative ? -ns : ns;
  }

  /** Reads a number of nanoseconds or a Go duration string. */
  public static final class Deserializer extends JsonDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return p.getLongValue();
      }
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        try {
          return parseGo(p.getText());
        } catch (IllegalArgumentException e) {
          throw ctxt.weirdStringException(p.getText(), Long.class, e.getMessage());
        }
      }
      return (Long) ctxt.handleUnexpectedToken(Long.class, p);
    }
  }
}
