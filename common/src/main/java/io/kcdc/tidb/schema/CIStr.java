package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** TiDB's case-insensitive identifier: original spelling {@code O} and lower case {@code L}. */
public record CIStr(@JsonProperty("O") String o, @JsonProperty("L") String l) {

  public static CIStr of(String name) {
    return new CIStr(name, name.toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return o;
  }
}
