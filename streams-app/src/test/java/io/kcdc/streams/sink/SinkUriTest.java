package io.kcdc.streams.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SinkUriTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A {@code sink} section from its API JSON. */
  private static SinkConfig sink(String json) {
    try {
      return JSON.readValue(json, SinkConfig.class);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A {@code sink} with only {@code kafka_config.large_message_handle}. */
  private static SinkConfig largeMessageHandle(String json) {
    return sink("{\"kafka_config\":{\"large_message_handle\":" + json + "}}");
  }

  private static void rejects(String uri, String code) {
    assertThatThrownBy(() -> KafkaSinkOptions.of(SinkUri.parse(uri), SinkConfig.empty()))
        .isInstanceOf(SinkConfigException.class)
        .satisfies(e -> assertThat(((SinkConfigException) e).code()).isEqualTo(code))
        .hasMessageStartingWith("[" + code + "]");
  }

  @Test
  void parsesKafkaUri() {
    SinkUri u = SinkUri.parse("kafka://b1:9092,b2:9093/cdc-topic?protocol=canal-json&partition-num=6"
        + "&replication-factor=2&max-message-bytes=1048576&enable-tidb-extension=true&kafka-version=2.4.0");
    assertThat(u.brokers()).containsExactly("b1:9092", "b2:9093");
    assertThat(u.topic()).isEqualTo("cdc-topic");
    KafkaSinkOptions o = KafkaSinkOptions.of(u, SinkConfig.empty());
    assertThat(o.protocol()).isEqualTo("canal-json");
    assertThat(o.partitionNum()).hasValue(6);
    assertThat(o.replicationFactor()).isEqualTo((short) 2);
    assertThat(o.encoder().maxMessageBytes()).isEqualTo(1048576);
    assertThat(o.encoder().enableTidbExtension()).isTrue();
    assertThat(o.bootstrapServers()).isEqualTo("b1:9092,b2:9093");
  }

  @Test
  void defaultsAndConfigFallback() {
    KafkaSinkOptions o = KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=canal-json"), SinkConfig.empty());
    assertThat(o.partitionNum()).isEmpty();
    assertThat(o.replicationFactor()).isEqualTo((short) 1);
    assertThat(o.encoder().maxMessageBytes()).isEqualTo(10485760);
    assertThat(o.encoder().enableTidbExtension()).isFalse();
    assertThat(o.autoCreateTopic()).isTrue();

    SinkConfig cfg = sink("{\"only_output_updated_columns\":true,\"kafka_config\":{\"partition_num\":4,"
        + "\"codec_config\":{\"enable_tidb_extension\":true},\"output_raw_change_event\":true}}");
    KafkaSinkOptions fromConfig = KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=canal-json&partition-num=2"), cfg);
    assertThat(fromConfig.partitionNum()).hasValue(2); // the URI wins
    assertThat(fromConfig.encoder().enableTidbExtension()).isTrue();
    assertThat(fromConfig.encoder().onlyOutputUpdatedColumns()).isTrue();
    assertThat(fromConfig.splitUpdates()).isFalse();
  }

  @Test
  void blackhole() {
    assertThat(SinkUri.parse("blackhole://").isBlackhole()).isTrue();
  }

  @Test
  void errorsCarryTiCdcCodes() {
    rejects("", "CDC:ErrSinkURIInvalid");
    rejects("mysqlx://root@h:3306/", "CDC:ErrSinkURIInvalid");
    rejects("kafka://k:9092/t", "CDC:ErrSinkUnknownProtocol");
    rejects("kafka://k:9092/t?protocol=nope", "CDC:ErrSinkUnknownProtocol");
    rejects("kafka://k:9092/?protocol=canal-json", "CDC:ErrKafkaInvalidConfig");
    rejects("kafka://k:9092/t?protocol=canal-json&partition-num=0", "CDC:ErrKafkaInvalidConfig");
    rejects("kafka://k:9092/t?protocol=canal-json&partition-num=x", "CDC:ErrKafkaInvalidConfig");
    rejects("kafka://k:9092/t?protocol=canal-json&enable-tidb-extension=yes", "CDC:ErrKafkaInvalidConfig");
    rejects("kafka://k:9092/t?protocol=avro", "CDC:ErrCodecInvalidConfig"); // no schema registry
    rejects("kafka://k:9092/t?protocol=open-protocol&max-batch-size=0", "CDC:ErrCodecInvalidConfig");
    rejects("kafka://k:9092/t?protocol=avro&schema-registry=http://r:8081&avro-decimal-handling-mode=x",
        "CDC:ErrCodecInvalidConfig");
    assertThatThrownBy(() -> KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=canal"), SinkConfig.empty())
        .newEncoder(java.time.Clock.systemUTC())).isInstanceOf(SinkConfigException.class)
        .hasMessageStartingWith("[CDC:ErrSinkUnknownProtocol]");
  }

  @Test
  void sameClusterCheck() {
    assertThat(TopicManager.sharesBrokers(List.of("localhost:9092"), "localhost:9092,other:9092")).isTrue();
    assertThat(TopicManager.sharesBrokers(List.of("elsewhere:9092"), "localhost:9092")).isFalse();
  }

  @Test
  void protocolOptionsFromUriAndReplicaConfig() throws Exception {
    String sinkJson = "{\"protocol\":\"open-protocol\",\"schema_registry\":\"http://r:8081\","
        + "\"column_selectors\":[{\"matcher\":[\"test.*\"],\"columns\":[\"id\"]}],\"encoder_concurrency\":4,"
        + "\"open\":{\"output_old_value\":false},\"kafka_config\":{\"codec_config\":{\"max_batch_size\":8},"
        + "\"large_message_handle\":{\"large_message_handle_option\":\"claim-check\",\"claim_check_storage_uri\":\"file:///data/claim-check\"}}}";
    SinkConfig cfg = sink(sinkJson);
    KafkaSinkOptions o = KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=default"), cfg);
    assertThat(o.protocol()).isEqualTo("open-protocol");
    assertThat(o.encoder().maxBatchSize()).isEqualTo(8);
    assertThat(o.encoder().openOutputOldValue()).isFalse();
    assertThat(o.encoder().largeMessageHandle().claimCheck()).isTrue();
    assertThat(o.columnSelectors()).hasSize(1);
    assertThat(o.encoderConcurrency()).isEqualTo(4);
    assertThat(o.newEncoder(java.time.Clock.systemUTC())).isInstanceOf(io.kcdc.streams.codec.OpenProtocolEncoder.class);

    KafkaSinkOptions avro = KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=flat-avro"
        + "&schema-registry=http://r:8081&avro-decimal-handling-mode=string&avro-bigint-unsigned-handling-mode=string"
        + "&max-batch-size=4"), SinkConfig.empty());
    assertThat(avro.protocol()).isEqualTo("avro");
    assertThat(avro.avro().decimalAsString()).isTrue();
    assertThat(avro.avro().bigintUnsignedAsString()).isTrue();
    assertThat(avro.schemaRegistry()).isEqualTo("http://r:8081");
    assertThat(avro.encoder().maxBatchSize()).isEqualTo(4);
    assertThat(avro.newEncoder(java.time.Clock.systemUTC())).isInstanceOf(io.kcdc.streams.codec.AvroEncoder.class);
  }

  @Test
  void largeMessageHandleIsValidatedPerProtocol() {
    SinkConfig keyOnly = largeMessageHandle("{\"large_message_handle_option\":\"handle-key-only\"}");
    assertThatThrownBy(() -> KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=canal-json"), keyOnly))
        .hasMessageStartingWith("[CDC:ErrInvalidReplicaConfig]").hasMessageContaining("enable-tidb-extension is false");
    assertThat(KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=canal-json&enable-tidb-extension=true"), keyOnly)
        .encoder().largeMessageHandle().handleKeyOnly()).isTrue();
    assertThatThrownBy(() -> KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=avro&schema-registry=http://r"),
        keyOnly)).hasMessageStartingWith("[CDC:ErrInvalidReplicaConfig]");
    SinkConfig claimNoUri = largeMessageHandle("{\"large_message_handle_option\":\"claim-check\"}");
    assertThatThrownBy(() -> KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=open-protocol"), claimNoUri))
        .hasMessageStartingWith("[CDC:ErrInvalidReplicaConfig]");
  }

  @Test
  void compressionIsValidatedEvenWithoutALargeMessageOption() {
    SinkConfig lz4 = largeMessageHandle("{\"large_message_handle_compression\":\"lz4\"}");
    assertThat(KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=canal-json"), lz4).encoder()
        .largeMessageHandle().codec()).isEqualTo(io.kcdc.streams.codec.MessageCompression.LZ4);
    SinkConfig zstd = largeMessageHandle(
        "{\"large_message_handle_option\":\"handle-key-only\",\"large_message_handle_compression\":\"zstd\"}");
    assertThatThrownBy(() -> KafkaSinkOptions.of(SinkUri.parse("kafka://k:9092/t?protocol=open-protocol"), zstd))
        .hasMessageStartingWith("[CDC:ErrInvalidReplicaConfig]").hasMessageContaining("compression is not supported, got zstd");
  }
}
