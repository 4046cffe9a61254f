package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One partition; {@code id} is the physical table id its rows are keyed by. */
public record PartitionDefinition(
    @JsonProperty("id") long id,
    @JsonProperty("name") CIStr name,
    @JsonProperty("less_than") List<String> lessThan,
    @JsonProperty("in_values") List<List<String>> inValues,
    @JsonProperty("comment") String comment) {

  public PartitionDefinition {
    comment = comment == null ? "" : comment;
  }
}
