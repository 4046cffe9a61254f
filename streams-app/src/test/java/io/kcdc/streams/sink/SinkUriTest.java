package io.kcdc.streams.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SinkUriTest {

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

    SinkConfig cfg = new SinkConfig(null, List.of(), true, null, null, new SinkConfig.KafkaConfig(4, null, null, null,
        new SinkConfig.CodecConfig(true), true));
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
    TopicManager.requireSameCluster(List.of("localhost:9092"), "localhost:9092,other:9092");
    assertThatThrownBy(() -> TopicManager.requireSameCluster(List.of("elsewhere:9092"), "localhost:9092"))
        .isInstanceOf(SinkConfigException.class).hasMessageContaining("not supported yet");
  }
}
