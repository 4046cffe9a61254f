package io.kcdc.streams.sink;

import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.codec.RowEventEncoder;
import java.time.Clock;
import java.util.List;
import java.util.OptionalInt;

/**
 * Effective MQ sink settings of one changefeed: sink URI parameters over {@code sink.kafka_config} over TiCDC's
 * defaults (TiCDC's {@code kafka.Options} + {@code codec/common.Config}).
 *
 * @param partitionNum unset means "the topic's real partition count" (3 when the sink creates the topic)
 */
public record KafkaSinkOptions(
    List<String> brokers,
    String defaultTopic,
    String protocol,
    OptionalInt partitionNum,
    short replicationFactor,
    boolean autoCreateTopic,
    boolean outputRawChangeEvent,
    boolean caseSensitive,
    List<DispatchRule> dispatchers,
    EncoderConfig encoder) {

  /** Partitions of a topic the sink creates when {@code partition-num} is not set. */
  public static final int DEFAULT_PARTITION_NUM = 3;

  public static KafkaSinkOptions of(SinkUri uri, SinkConfig config) {
    return of(uri, config, false);
  }

  public static KafkaSinkOptions of(SinkUri uri, SinkConfig config, boolean caseSensitive) {
    if (!uri.isKafka()) {
      throw new SinkConfigException(SinkConfigException.SINK_URI_INVALID,
          "the sink scheme (" + uri.scheme() + ") is not a Kafka sink");
    }
    SinkConfig.KafkaConfig kc = config.kafkaConfig() != null
        ? config.kafkaConfig() : new SinkConfig.KafkaConfig(null, null, null, null, null, null);
    String protocol = uri.protocol().orElse(config.protocol());
    if (protocol != null && config.protocol() != null && uri.protocol().isPresent()
        && !normalise(config.protocol()).equals(protocol)) {
      throw new SinkConfigException(SinkConfigException.SINK_INVALID_CONFIG, "sink config invalid: protocol "
          + config.protocol() + " in the changefeed config differs from " + protocol + " in the sink uri");
    }
    if (protocol == null) {
      throw new SinkConfigException(SinkConfigException.SINK_UNKNOWN_PROTOCOL, "unknown '' message protocol for sink");
    }
    OptionalInt partitionNum = uri.partitionNum();
    if (partitionNum.isEmpty() && kc.partitionNum() != null) {
      partitionNum = positive("partition-num", kc.partitionNum());
    }
    int rf = uri.replicationFactor().orElse(kc.replicationFactor() != null
        ? positive("replication-factor", kc.replicationFactor()).getAsInt() : 1);
    int maxBytes = uri.maxMessageBytes().orElse(kc.maxMessageBytes() != null
        ? positive("max-message-bytes", kc.maxMessageBytes()).getAsInt() : EncoderConfig.DEFAULT_MAX_MESSAGE_BYTES);
    boolean tidbExt = uri.bool("enable-tidb-extension").orElse(
        kc.codecConfig() != null && Boolean.TRUE.equals(kc.codecConfig().enableTidbExtension()));
    boolean onlyUpdated = uri.bool("only-output-updated-columns").orElse(Boolean.TRUE.equals(config.onlyOutputUpdatedColumns()));
    boolean contentCompatible = uri.bool("content-compatible").orElse(Boolean.TRUE.equals(config.contentCompatible()));
    boolean autoCreate = uri.bool("auto-create-topic").orElse(kc.autoCreateTopic() == null || kc.autoCreateTopic());
    EncoderConfig encoder = new EncoderConfig(tidbExt, onlyUpdated,
        Boolean.TRUE.equals(config.deleteOnlyOutputHandleKeyColumns()), contentCompatible, maxBytes);
    return new KafkaSinkOptions(uri.brokers(), uri.topic(), protocol, partitionNum, (short) rf, autoCreate,
        Boolean.TRUE.equals(kc.outputRawChangeEvent()), caseSensitive, config.dispatchers(), encoder);
  }

  private static String normalise(String p) {
    return switch (p) {
      case "default" -> "open-protocol";
      case "flat-avro" -> "avro";
      default -> p;
    };
  }

  private static OptionalInt positive(String name, int v) {
    if (v <= 0) {
      throw new SinkConfigException(SinkConfigException.KAFKA_INVALID_CONFIG, "invalid " + name + " " + v + ", must be greater than 0");
    }
    return OptionalInt.of(v);
  }

  /** The brokers as a Kafka {@code bootstrap.servers} value. */
  public String bootstrapServers() {
    return String.join(",", brokers);
  }

  /** Whether TiCDC would split an update that changes a handle or unique key into delete + insert (§5.5). */
  public boolean splitUpdates() {
    return !outputRawChangeEvent;
  }

  /** A new encoder of the configured protocol; only canal-json is implemented so far. */
  public RowEventEncoder newEncoder(Clock clock) {
    if (protocol.equals("canal-json")) {
      return new CanalJsonEncoder(encoder, clock);
    }
    throw new SinkConfigException(SinkConfigException.SINK_UNKNOWN_PROTOCOL,
        "unknown '" + protocol + "' message protocol for sink: not supported yet, use canal-json");
  }
}
