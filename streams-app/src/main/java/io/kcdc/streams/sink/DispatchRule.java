package io.kcdc.streams.sink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One {@code sink.dispatchers[]} entry (API v2 names): tables it applies to (table-filter syntax), partition
 * dispatcher ({@code default|table|ts|index-value|rowid|columns}), its index or columns, and topic expression.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DispatchRule(
    @JsonProperty("matcher") List<String> matcher,
    @JsonProperty("partition") String partition,
    @JsonProperty("index") String index,
    @JsonProperty("columns") List<String> columns,
    @JsonProperty("topic") String topic) {

  public DispatchRule {
    matcher = matcher == null ? List.of() : List.copyOf(matcher);
    columns = columns == null ? List.of() : List.copyOf(columns);
    partition = partition == null ? "" : partition;
    index = index == null ? "" : index;
    topic = topic == null ? "" : topic;
  }
}
