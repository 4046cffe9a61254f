package io.kcdc.common.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import io.kcdc.common.GoDuration;
import java.io.IOException;

/**
 * TiCDC's {@code JSONDuration}: written as integer nanoseconds, read from a number (ns) or from a Go
 * duration string such as {@code "10m"} or {@code "1h30m"} ({@link GoDuration}).
 */
public final class JsonDuration {
  private JsonDuration() {}

  /** Reads a number of nanoseconds or a Go duration string. */
  public static final class Deserializer extends JsonDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return p.getLongValue();
      }
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        try {
          return GoDuration.parse(p.getText());
        } catch (IllegalArgumentException e) {
          throw ctxt.weirdStringException(p.getText(), Long.class, e.getMessage());
        }
      }
      return (Long) ctxt.handleUnexpectedToken(Long.class, p);
    }
  }
}
