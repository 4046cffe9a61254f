package io.kcdc.capture.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.ChangefeedState;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorConfigsTest {
  private static ChangefeedInfo info(String id, OffsetDateTime created) {
    return new ChangefeedInfo(7, "default", id, "kafka://127.0.0.1:9092/t?protocol=canal-json", created, 100,
        0, 0, null, null, ReplicaConfig.DEFAULT, ChangefeedState.NORMAL, null, null, "v8.5.0", 0);
  }

  @Test
  void mapsAChangefeedToTheConnectorConfig() {
    Map<String, String> c = ConnectorConfigs.of(info("cf1", OffsetDateTime.now()), List.of("127.0.0.1:2379"), 42, 4, 2);
    assertThat(c)
        .containsEntry("connector.class", "io.kcdc.connector.TiCdcSourceConnector")
        .containsEntry("tasks.max", "2")
        .containsEntry("changefeed.id", "cf1")
        .containsEntry("pd.addresses", "127.0.0.1:2379")
        .containsEntry("start.ts", "42")
        .containsEntry("filter.rules", "[\"*.*\"]")
        .containsEntry("topic", "_cdc.cf1.rows")
        .containsEntry("topic.partitions", "4")
        .containsEntry("exactly.once.support", "required")
        // 1 GiB default quota over 2 tasks, capped per task.
        .containsEntry("memory.quota.bytes", Long.toString(ConnectorConfigs.MAX_TASK_BUFFER));
  }

  @Test
  void aNewStartTsAloneDoesNotReconfigureARunningConnector() {
    ChangefeedInfo i = info("cf1", OffsetDateTime.now());
    Map<String, String> running = new HashMap<>(ConnectorConfigs.of(i, List.of("pd:2379"), 42, 4, 2));
    running.put("name", "cdc-default-cf1");
    assertThat(ConnectorConfigs.sameExceptStart(running, ConnectorConfigs.of(i, List.of("pd:2379"), 99, 4, 2))).isTrue();
    assertThat(ConnectorConfigs.sameExceptStart(running, ConnectorConfigs.of(i, List.of("pd:2379"), 42, 8, 2))).isFalse();
  }

  @Test
  void aRecreatedChangefeedGetsItsOwnStreamsApplication() {
    ChangefeedInfo first = info("cf1", OffsetDateTime.parse("2026-11-22T10:00:00Z"));
    ChangefeedInfo again = info("cf1", OffsetDateTime.parse("2026-11-22T11:00:00Z"));
    String a = SinkSupport.applicationId("default", first);
    String b = SinkSupport.applicationId("default", again);
    assertThat(a).isNotEqualTo(b).startsWith(new io.kcdc.streams.ChangefeedNames("default", "default", "cf1").applicationIdPrefix());
    assertThat(SinkSupport.applicationId("default", info("cf1-x", OffsetDateTime.now())))
        .doesNotStartWith(new io.kcdc.streams.ChangefeedNames("default", "default", "cf1").applicationIdPrefix());
  }
}
