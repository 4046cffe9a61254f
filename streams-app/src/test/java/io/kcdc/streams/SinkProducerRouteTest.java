package io.kcdc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkUri;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The sink URI's producer options reach whichever producer writes the rows of a sink on the app's own cluster. */
class SinkProducerRouteTest {
  private static KafkaSinkOptions options(String query) {
    return KafkaSinkOptions.of(SinkUri.parse("kafka://127.0.0.1:9092/t?protocol=canal-json&" + query), SinkConfig.empty());
  }

  @Test
  void exactlyOnceOnlyWithSettingsATransactionAllows() {
    assertThat(ChangefeedStreams.writesInStreamsTransactions(true, options("required-acks=-1"))).isTrue();
    // acks=1 or 0, or no retries: the task's own producer writes the rows with them, at least once
    assertThat(ChangefeedStreams.writesInStreamsTransactions(true, options("required-acks=1"))).isFalse();
    assertThat(ChangefeedStreams.writesInStreamsTransactions(true, options("required-acks=0"))).isFalse();
    assertThat(ChangefeedStreams.writesInStreamsTransactions(true, options("max-retry=0"))).isFalse();
    assertThat(ChangefeedStreams.writesInStreamsTransactions(false, options("required-acks=-1"))).isFalse();
  }

  @Test
  void theStreamsProducerTakesCompressionMessageSizeTimeoutsAndClientId() {
    Map<String, Object> p = ChangefeedStreams.streamsProducerProperties(
        options("compression=lz4&max-message-bytes=2097152&write-timeout=20s&read-timeout=20s"), "quota-client");
    assertThat(p).containsEntry(StreamsConfig.producerPrefix("compression.type"), "lz4")
        .containsEntry(StreamsConfig.CLIENT_ID_CONFIG, "quota-client");
    assertThat((Integer) p.get(StreamsConfig.producerPrefix("max.request.size"))).isGreaterThanOrEqualTo(2097152);
    assertThat(p.get(StreamsConfig.producerPrefix("request.timeout.ms"))).isNotNull();
    assertThat(p).doesNotContainKey(StreamsConfig.producerPrefix("acks"));
  }
}
