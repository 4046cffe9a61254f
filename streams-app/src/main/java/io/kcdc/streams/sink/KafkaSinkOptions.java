package io.kcdc.streams.sink;

import static io.kcdc.common.errors.CdcError.CODEC_INVALID_CONFIG;
import static io.kcdc.common.errors.CdcError.INVALID_REPLICA_CONFIG;

import io.kcdc.common.config.ReplicaConfig.CodecConfig;
import io.kcdc.common.config.ReplicaConfig.ColumnSelector;
import io.kcdc.common.config.ReplicaConfig.DispatchRule;
import io.kcdc.common.config.ReplicaConfig.KafkaConfig;
import io.kcdc.common.config.ReplicaConfig.LargeMessageHandleConfig;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.codec.AvroConfig;
import io.kcdc.streams.codec.AvroEncoder;
import io.kcdc.streams.codec.AvroSchemaCache;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.ConfluentSchemaRegistry;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.codec.LargeMessageHandle;
import io.kcdc.streams.codec.OpenProtocolEncoder;
import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.codec.SchemaRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Effective MQ sink settings of one changefeed: sink URI parameters over {@code sink}/{@code sink.kafka_config} over
 * TiCDC's defaults (TiCDC's {@code kafka.Options} + {@code codec/common.Config}), validated like TiCDC does.
 *
 * @param partitionNum unset means "the topic's real partition count" (3 when the sink creates the topic)
 * @param schemaRegistry the Confluent-compatible registry URL (avro), or null
 * @param encoderConcurrency {@code sink.encoder_concurrency} (default 32)
 * @param client how the sink's Kafka clients connect and produce: TLS, SASL, acks, retries, compression, timeouts
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
    EncoderConfig encoder,
    AvroConfig avro,
    String schemaRegistry,
    List<ColumnSelector> columnSelectors,
    int encoderConcurrency,
    KafkaClientOptions client) {

  /** Partitions of a topic the sink creates when {@code partition-num} is not set. */
  public static final int DEFAULT_PARTITION_NUM = 3;
  public static final int DEFAULT_ENCODER_CONCURRENCY = 32;
  /** The protocols this sink can encode. */
  public static final List<String> SUPPORTED_PROTOCOLS = List.of("canal-json", "open-protocol", "avro");

  public static KafkaSinkOptions of(SinkUri uri, SinkConfig config) {
    return of(uri, config, false);
  }

  public static KafkaSinkOptions of(SinkUri uri, SinkConfig config, boolean caseSensitive) {
    if (!uri.isKafka()) {
      throw new SinkConfigException(CdcError.SINK_URI_INVALID,
          "the sink scheme (" + uri.scheme() + ") is not a Kafka sink");
    }
    KafkaConfig kc = config.kafkaConfig() != null ? config.kafkaConfig() : KafkaConfig.empty();
    CodecConfig cc = kc.codecConfig() != null ? kc.codecConfig() : CodecConfig.empty();
    String protocol = uri.protocol().orElse(config.protocol() == null ? null : normalise(config.protocol()));
    if (protocol != null && config.protocol() != null && uri.protocol().isPresent()
        && !normalise(config.protocol()).equals(protocol)) {
      throw new SinkConfigException(CdcError.SINK_INVALID_CONFIG, "sink config invalid: protocol "
          + config.protocol() + " in the changefeed config differs from " + protocol + " in the sink uri");
    }
    if (protocol == null) {
      throw new SinkConfigException(CdcError.SINK_UNKNOWN_PROTOCOL, "unknown '' message protocol for sink");
    }
    OptionalInt partitionNum = uri.partitionNum();
    if (partitionNum.isEmpty() && kc.partitionNum() != null) {
      partitionNum = positive("partition-num", kc.partitionNum());
    }
    int rf = uri.replicationFactor().orElse(kc.replicationFactor() != null
        ? positive("replication-factor", kc.replicationFactor()).getAsInt() : 1);
    int maxBytes = uri.maxMessageBytes().orElse(kc.maxMessageBytes() != null
        ? positive("max-message-bytes", kc.maxMessageBytes()).getAsInt() : EncoderConfig.DEFAULT_MAX_MESSAGE_BYTES);
    boolean tidbExt = uri.bool("enable-tidb-extension").orElse(Boolean.TRUE.equals(cc.enableTidbExtension()));
    boolean onlyUpdated = uri.bool("only-output-updated-columns").orElse(Boolean.TRUE.equals(config.onlyOutputUpdatedColumns()));
    boolean contentCompatible = uri.bool("content-compatible").orElse(Boolean.TRUE.equals(config.contentCompatible()));
    boolean autoCreate = uri.bool("auto-create-topic").orElse(kc.autoCreateTopic() == null || kc.autoCreateTopic());
    int maxBatchSize = uri.integer("max-batch-size").orElse(cc.maxBatchSize() != null ? cc.maxBatchSize()
        : EncoderConfig.DEFAULT_MAX_BATCH_SIZE);
    if (maxBatchSize <= 0) {
      throw new SinkConfigException(CODEC_INVALID_CONFIG, "invalid max-batch-size " + maxBatchSize);
    }
    boolean openOldValue = config.open() == null || config.open().outputOldValue() == null || config.open().outputOldValue();
    LargeMessageHandle large = largeMessageHandle(kc.largeMessageHandle(), protocol, tidbExt);
    EncoderConfig encoder = new EncoderConfig(tidbExt, onlyUpdated,
        Boolean.TRUE.equals(config.deleteOnlyOutputHandleKeyColumns()), contentCompatible, maxBytes, maxBatchSize,
        openOldValue, large);

    AvroConfig avro;
    try {
      avro = new AvroConfig(uri.params().getOrDefault("avro-decimal-handling-mode", cc.avroDecimalHandlingMode()),
          uri.params().getOrDefault("avro-bigint-unsigned-handling-mode", cc.avroBigintUnsignedHandlingMode()),
          uri.bool("avro-enable-watermark").orElse(Boolean.TRUE.equals(cc.avroEnableWatermark())), "default");
    } catch (IllegalArgumentException e) {
      throw new SinkConfigException(CODEC_INVALID_CONFIG, e.getMessage(), e);
    }
    String registry = uri.params().getOrDefault("schema-registry", config.schemaRegistry());
    if (protocol.equals("avro") && (registry == null || registry.isBlank())) {
      throw new SinkConfigException(CODEC_INVALID_CONFIG,
          "Avro protocol requires parameter \"schema-registry\" or \"GlueSchemaRegistryConfig\"");
    }
    int concurrency = config.encoderConcurrency() == null ? DEFAULT_ENCODER_CONCURRENCY : config.encoderConcurrency();
    if (concurrency <= 0) {
      throw new SinkConfigException(CdcError.SINK_INVALID_CONFIG,
          "sink config invalid: encoder-concurrency should greater than 0, but got " + concurrency);
    }
    return new KafkaSinkOptions(uri.brokers(), uri.topic(), protocol, partitionNum, (short) rf, autoCreate,
        Boolean.TRUE.equals(kc.outputRawChangeEvent()), caseSensitive, config.dispatchRules(), encoder, avro, registry,
        config.columnSelectorRules(), concurrency, KafkaClientOptions.of(uri, kc));
  }

  /** TiCDC's {@code LargeMessageHandleConfig.AdjustAndValidate}. */
  private static LargeMessageHandle largeMessageHandle(LargeMessageHandleConfig c, String protocol,
      boolean tidbExtension) {
    if (c == null) {
      return LargeMessageHandle.NONE;
    }
    LargeMessageHandle.Option option;
    try {
      option = LargeMessageHandle.Option.of(c.largeMessageHandleOption());
    } catch (IllegalArgumentException e) {
      throw new SinkConfigException(INVALID_REPLICA_CONFIG, e.getMessage(), e);
    }
    LargeMessageHandle handle = new LargeMessageHandle(option, c.largeMessageHandleCompression(), c.claimCheckStorageUri(),
        Boolean.TRUE.equals(c.claimCheckRawValue()));
    // compression can be enabled without a large-message option
    try {
      handle.codec();
    } catch (IllegalArgumentException e) {
      throw new SinkConfigException(INVALID_REPLICA_CONFIG, "large message handle compression is not supported, got "
          + handle.compression(), e);
    }
    if (handle.disabled()) {
      return handle;
    }
    switch (protocol) {
      case "open-protocol" -> {
        if (handle.claimCheckRawValue()) {
          throw new SinkConfigException(INVALID_REPLICA_CONFIG, "large message handle claim-check-raw-value is not supported"
              + " by protocol open-protocol");
        }
      }
      case "canal-json" -> {
        if (!tidbExtension) {
          throw new SinkConfigException(INVALID_REPLICA_CONFIG, "large message handle is set to " + option.text()
              + ", protocol is canal-json, but enable-tidb-extension is false");
        }
      }
      default -> throw new SinkConfigException(INVALID_REPLICA_CONFIG, "large message handle is set to " + option.text()
          + ", protocol is " + protocol + ", it's not supported");
    }
    if (handle.claimCheck() && handle.claimCheckStorageUri().isEmpty()) {
      throw new SinkConfigException(INVALID_REPLICA_CONFIG, "large message handle is set to claim-check, but the "
          + "claim-check-storage-uri is empty");
    }
    return handle;
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
      throw new SinkConfigException(CdcError.KAFKA_INVALID_CONFIG, "invalid " + name + " " + v + ", must be greater than 0");
    }
    return OptionalInt.of(v);
  }

  /** The same options with another {@code max-message-bytes} (after {@link TopicManager#maxMessageBytes}). */
  public KafkaSinkOptions withMaxMessageBytes(int bytes) {
    return new KafkaSinkOptions(brokers, defaultTopic, protocol, partitionNum, replicationFactor, autoCreateTopic,
        outputRawChangeEvent, caseSensitive, dispatchers, encoder.withMaxMessageBytes(bytes), avro, schemaRegistry,
        columnSelectors, encoderConcurrency, client);
  }

  /** Properties of a producer writing to the sink (see {@link KafkaClientOptions#producerProperties}). */
  public Map<String, Object> producerProperties(String clientId) {
    return client.producerProperties(clientId, encoder.maxMessageBytes());
  }

  /** The brokers as a Kafka {@code bootstrap.servers} value. */
  public String bootstrapServers() {
    return String.join(",", brokers);
  }

  /**
   * Whether TiCDC would split an update that changes a handle or unique key into delete + insert
   * (docs/kafka-sink.md#update-splitting).
   */
  public boolean splitUpdates() {
    return !outputRawChangeEvent;
  }

  /** A new encoder of the configured protocol (avro: with its own schema cache). */
  public RowEventEncoder newEncoder(Clock clock) {
    return encoderFactory(clock).get();
  }

  /**
   * Encoders of the configured protocol that share one schema cache (avro registers each table version once).
   *
   * @throws SinkConfigException {@code CDC:ErrSinkUnknownProtocol} for a protocol this sink cannot encode
   */
  public Supplier<RowEventEncoder> encoderFactory(Clock clock) {
    return encoderFactory(clock, schemaRegistry == null ? null : new ConfluentSchemaRegistry(schemaRegistry));
  }

  /** As {@link #encoderFactory(Clock)} with the given registry client. */
  public Supplier<RowEventEncoder> encoderFactory(Clock clock, SchemaRegistry registry) {
    return switch (protocol) {
      case "canal-json" -> () -> new CanalJsonEncoder(encoder, clock);
      case "open-protocol" -> () -> new OpenProtocolEncoder(encoder);
      case "avro" -> {
        AvroSchemaCache cache = new AvroSchemaCache(registry);
        yield () -> new AvroEncoder(encoder, avro, cache);
      }
      default -> throw new SinkConfigException(CdcError.SINK_UNKNOWN_PROTOCOL, "unknown '" + protocol
          + "' message protocol for sink: not supported yet, use one of " + SUPPORTED_PROTOCOLS);
    };
  }
}
