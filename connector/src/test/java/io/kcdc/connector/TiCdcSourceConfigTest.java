package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TiCdcSourceConfigTest {
  static Map<String, String> required() {
    Map<String, String> m = new HashMap<>();
    m.put("changefeed.id", "cf1");
    m.put("pd.addresses", "127.0.0.1:2379, http://127.0.0.1:2389");
    m.put("start.ts", "437273809449910277");
    m.put("topic", "_cdc.cf1.rows");
    m.put("topic.partitions", "3");
    return m;
  }

  @Test
  void defaults() {
    TiCdcSourceConfig c = new TiCdcSourceConfig(required());
    assertThat(c.changefeedId()).isEqualTo("cf1");
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(c.pdAddresses()).containsExactly("127.0.0.1:2379", "http://127.0.0.1:2389");
    assertThat(c.startTs()).isEqualTo(437273809449910277L);
    assertThat(c.filterRules()).containsExactly("*.*");
    assertThat(c.caseSensitive()).isFalse();
    assertThat(c.forceReplicate()).isFalse();
    assertThat(c.topic()).isEqualTo("_cdc.cf1.rows");
    assertThat(c.topicPartitions()).isEqualTo(3);
    assertThat(c.resolvedTsIntervalMs()).isEqualTo(100);
    assertThat(c.taskIndex()).isZero();
    assertThat(c.taskCount()).isEqualTo(1);
  }

  @Test
  void filterRulesAndTaskSlot() {
    Map<String, String> m = required();
    m.put("filter.rules", "[\"test.*\", \"!test.skip\"]");
    m.put("filter.case.sensitive", "true");
    m.put("task.index", "2");
    m.put("task.count", "3");
    TiCdcSourceConfig c = new TiCdcSourceConfig(m);
    assertThat(c.filterRules()).containsExactly("test.*", "!test.skip");
    assertThat(c.tableFilter().match("test", "a")).isTrue();
    assertThat(c.tableFilter().match("test", "skip")).isFalse();
    assertThat(c.tableFilter().match("Test", "a")).isFalse();
    assertThat(c.taskIndex()).isEqualTo(2);
    assertThat(c.taskCount()).isEqualTo(3);
  }

  @Test
  void missingRequiredKeyIsRejected() {
    for (String key : List.of("changefeed.id", "pd.addresses", "start.ts", "topic", "topic.partitions")) {
      Map<String, String> m = required();
      m.remove(key);
      assertThatThrownBy(() -> new TiCdcSourceConfig(m)).isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }
  }

  @Test
  void invalidValuesAreRejected() {
    Map<String, String> m = required();
    m.put("filter.rules", "not json");
    assertThatThrownBy(() -> new TiCdcSourceConfig(m)).isInstanceOf(ConfigException.class).hasMessageContaining("filter.rules");
    m.put("filter.rules", "[]");
    assertThatThrownBy(() -> new TiCdcSourceConfig(m)).isInstanceOf(ConfigException.class);
    m.put("filter.rules", "[\"*.*\"]");
    m.put("topic.partitions", "0");
    assertThatThrownBy(() -> new TiCdcSourceConfig(m)).isInstanceOf(ConfigException.class).hasMessageContaining("topic.partitions");
  }

  @Test
  void configDefAndDocsComeFromTheFieldList() {
    assertThat(TiCdcSourceConfig.CONFIG_DEF.names()).containsExactlyInAnyOrderElementsOf(TiCdcSourceConfig.names());
    assertThat(TiCdcSourceConfig.names()).contains("changefeed.id", "changefeed.namespace", "pd.addresses", "start.ts",
        "filter.rules", "filter.case.sensitive", "force.replicate", "topic", "topic.partitions", "kv.resolved.ts.interval.ms");
    assertThat(TiCdcSourceConfig.docs()).contains("| `start.ts` | long | (required) |").contains("| `kv.resolved.ts.interval.ms` | long | 100 |");
  }
}
