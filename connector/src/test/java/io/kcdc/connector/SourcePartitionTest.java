package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class SourcePartitionTest {
  @Test
  void partitionSerializesToTheSameBytesAfterAJsonRoundTrip() {
    // Connect keys offsets by the JSON bytes of [connector, partition]; REST and restarted
    // workers rebuild the partition from stored JSON, so both must serialize identically.
    JsonConverter json = new JsonConverter();
    json.configure(Map.of("schemas.enable", "false"), true);
    Map<String, Object> partition = TiCdcSourceTask.sourcePartition("cf1", 101L);
    byte[] stored = json.fromConnectData("offsets", null, List.of("connector", partition));
    Object restored = json.toConnectData("offsets", stored).value();
    assertThat(json.fromConnectData("offsets", null, restored)).isEqualTo(stored);
    assertThat(new String(stored)).contains("\"table_id\":101").contains("\"changefeed\":\"cf1\"");

    Map<String, Object> task = TiCdcSourceTask.taskPartition("cf1", 1, 2);
    byte[] storedTask = json.fromConnectData("offsets", null, List.of("connector", task));
    Object restoredTask = json.toConnectData("offsets", storedTask).value();
    assertThat(json.fromConnectData("offsets", null, restoredTask)).isEqualTo(storedTask);
    assertThat(new String(storedTask)).contains("\"task\":\"1/2\"");
  }
}
