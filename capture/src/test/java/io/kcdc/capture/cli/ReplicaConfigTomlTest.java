package io.kcdc.capture.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.gateway.model.ReplicaConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TiCDC's changefeed TOML (keys of pkg/config, e.g.
 * https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/config/sink.go) read into the v2 replica_config.
 */
class ReplicaConfigTomlTest {
  private static final String FILE = """
      case-sensitive = true
      force-replicate = false
      memory-quota = 2147483648
      sync-point-interval = "5m"

      [filter]
      rules = ['test.*', '!test.skip']
      ignore-txn-start-ts = [1, 2]

      [[filter.event-filters]]
      matcher = ['test.orders']
      ignore-event = ['delete']
      ignore-insert-value-expr = 'id > 100'

      [mounter]
      worker-num = 8

      [sink]
      protocol = "canal-json"
      file-index-digit = 5
      advance-timeout-in-sec = 200
      dispatchers = [
        {matcher = ['test.orders'], partition = "index-value", topic = "orders_{schema}"},
        {matcher = ['test.users'], dispatcher = "ts"},
      ]
      column-selectors = [
        {matcher = ['test.users'], columns = ['*', '!password']},
      ]

      [sink.kafka-config]
      sasl-mechanism = "PLAIN"

      [scheduler]
      enable-table-across-nodes = true
      region-threshold = 1000
      """;

  @Test
  void convertsToApiNames() {
    JsonNode api = ReplicaConfigToml.toApi(FILE, "changefeed.toml");
    assertTrue(api.path("case_sensitive").asBoolean());
    assertEquals(2147483648L, api.path("memory_quota").asLong());
    assertEquals("5m", api.path("sync_point_interval").asText());
    assertEquals("!test.skip", api.path("filter").path("rules").get(1).asText());
    assertEquals(2, api.path("filter").path("ignore_txn_start_ts").get(1).asLong());
    JsonNode ef = api.path("filter").path("event_filters").get(0);
    assertEquals("delete", ef.path("ignore_event").get(0).asText());
    assertEquals("id > 100", ef.path("ignore_insert_value_expr").asText());
    assertEquals(8, api.path("mounter").path("worker_num").asInt());
    JsonNode sink = api.path("sink");
    assertEquals("canal-json", sink.path("protocol").asText());
    assertEquals(5, sink.path("file_index_width").asInt(), "file-index-digit has another API name");
    assertEquals(200, sink.path("advance_timeout").asInt(), "advance-timeout-in-sec has another API name");
    assertEquals("index-value", sink.path("dispatchers").get(0).path("partition").asText());
    assertEquals("orders_{schema}", sink.path("dispatchers").get(0).path("topic").asText());
    assertEquals("ts", sink.path("dispatchers").get(1).path("partition").asText(), "dispatcher is partition's alias");
    assertFalse(sink.path("dispatchers").get(1).has("dispatcher"));
    assertEquals("!password", sink.path("column_selectors").get(0).path("columns").get(1).asText());
    assertEquals("PLAIN", sink.path("kafka_config").path("sasl_mechanism").asText());
    assertEquals(1000, api.path("scheduler").path("region_threshold").asInt());
  }

  @Test
  void bindsOntoTheDefaultsAsTheServerDoes() {
    ReplicaConfig cfg = ReplicaConfigs.mergeOnDefaults(ReplicaConfigToml.toApi(FILE, "changefeed.toml"));
    assertEquals(List.of("test.*", "!test.skip"), cfg.filter().rules());
    assertEquals("canal-json", cfg.sink().protocol());
    assertEquals(300_000_000_000L, cfg.syncPointInterval());
    assertEquals(16, ReplicaConfigs.mergeOnDefaults(ReplicaConfigToml.toApi("", "f")).mounter().workerNum());
  }

  @Test
  void refusesUnknownKeysAsTiCdcDoes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaConfigToml.toApi("""
        case-sensitive = true
        no-such-option = 1
        [sink]
        protocol = "open-protocol"
        dispatchers = [{matcher = ['a.b'], partiton = "ts"}]
        [filterx]
        rules = ['*.*']
        """, "cf.toml"));
    assertEquals("component TiCDC changefeed's config file cf.toml contained unknown configuration options: "
        + "no-such-option, sink.dispatchers.partiton, filterx", e.getMessage());
  }

  @Test
  void refusesDispatcherWithPartition() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaConfigToml.toApi(
        "[sink]\ndispatchers = [{matcher = ['a.b'], dispatcher = 'ts', partition = 'table'}]\n", "cf.toml"));
    assertTrue(e.getMessage().startsWith("[CDC:ErrSinkInvalidConfig]sink config invalid: dispatcher and partition cannot be"),
        e.getMessage());
  }

  @Test
  void reportsTomlSyntaxErrors() {
    assertThrows(IllegalArgumentException.class, () -> ReplicaConfigToml.toApi("[sink\nprotocol=1", "cf.toml"));
  }

  @Test
  void anUpdateFileIsTomlOrTheApisJson() {
    assertThat(ReplicaConfigToml.fileToApi("case-sensitive = true\n", "f.toml").path("case_sensitive").asBoolean())
        .isTrue();
    assertThat(ReplicaConfigToml.fileToApi(" {\"case_sensitive\":true}", "f.json").path("case_sensitive").asBoolean())
        .isTrue();
    assertThatThrownBy(() -> ReplicaConfigToml.fileToApi("{\"case_sensitive\":", "f.json"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("f.json: ");
    assertThatThrownBy(() -> ReplicaConfigToml.fileToApi("case-sensitiv = true\n", "f.toml"))
        .hasMessageContaining("unknown configuration options: case-sensitiv");
  }
}
