package io.kcdc.streams.sink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The part of a changefeed's {@code replica_config} the MQ sink reads (API v2 JSON names, api-v2.md §1.5);
 * unknown fields are ignored so the whole {@code sink} object can be bound. Null means "not set".
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SinkConfig(
    @JsonProperty("protocol") String protocol,
    @JsonProperty("dispatchers") List<DispatchRule> dispatchers,
    @JsonProperty("only_output_updated_columns") Boolean onlyOutputUpdatedColumns,
    @JsonProperty("delete_only_output_handle_key_columns") Boolean deleteOnlyOutputHandleKeyColumns,
    @JsonProperty("content_compatible") Boolean contentCompatible,
    @JsonProperty("kafka_config") KafkaConfig kafkaConfig) {

  public SinkConfig {
    dispatchers = dispatchers == null ? List.of() : List.copyOf(dispatchers);
  }

  public static SinkConfig empty() {
    return new SinkConfig(null, null, null, null, null, null);
  }

  /** {@code sink.kafka_config}: the subset the sink uses; URI parameters take precedence over it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record KafkaConfig(
      @JsonProperty("partition_num") Integer partitionNum,
      @JsonProperty("replication_factor") Integer replicationFactor,
      @JsonProperty("max_message_bytes") Integer maxMessageBytes,
      @JsonProperty("auto_create_topic") Boolean autoCreateTopic,
      @JsonProperty("codec_config") CodecConfig codecConfig,
      @JsonProperty("output_raw_change_event") Boolean outputRawChangeEvent) {}

  /** {@code kafka_config.codec_config}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CodecConfig(@JsonProperty("enable_tidb_extension") Boolean enableTidbExtension) {}
}
