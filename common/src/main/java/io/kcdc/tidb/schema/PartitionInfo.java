package io.kcdc.tidb.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Partitioning of a table; only active when {@code enable}. */
public record PartitionInfo(
    @JsonProperty("type") int type,
    @JsonProperty("expr") String expr,
    @JsonProperty("columns") List<CIStr> columns,
    @JsonProperty("enable") boolean enable,
    @JsonProperty("is_empty_columns") boolean emptyColumns,
    @JsonProperty("definitions") List<PartitionDefinition> definitions,
    @JsonProperty("adding_definitions") List<PartitionDefinition> addingDefinitions,
    @JsonProperty("dropping_definitions") List<PartitionDefinition> droppingDefinitions,
    @JsonProperty("NewPartitionIDs") List<Long> newPartitionIds,
    @JsonProperty("num") long num) {

  public static final int TYPE_RANGE = 1;
  public static final int TYPE_HASH = 2;
  public static final int TYPE_LIST = 3;
  public static final int TYPE_KEY = 4;
  public static final int TYPE_SYSTEM_TIME = 5;

  public PartitionInfo {
    definitions = definitions == null ? List.of() : List.copyOf(definitions);
  }
}
