package io.kcdc.streams.dispatcher;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.RowOp;
import io.kcdc.avro.TableSchema;
import io.kcdc.common.config.ReplicaConfig.DispatchRule;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected partitions are {@code crc32.IEEE} values computed independently (Python's zlib.crc32) for the TiCDC rules
 * of docs/kafka-sink.md#partition-dispatchers, e.g. {@code crc32("testt") = 2349099517}.
 */
class EventRouterTest {
  private final TableSchema t = testT(100, 1);
  private final RowEvent insert = event(t, row(100, 1, 1, 1000003, RowOp.INSERT, 42, values(42L, "alice", 4294967295L), null));

  private static DispatchRule rule(String matcher, String partition, String index, List<String> columns, String topic) {
    return new DispatchRule(List.of(matcher), partition, index, columns, topic);
  }

  private static EventRouter router(DispatchRule... rules) {
    return new EventRouter(List.of(rules), "cdc-default", "canal-json", false);
  }

  @Test
  void positionInertiaHashXorsCrc32OfEachWrite() {
    assertThat(new PositionInertiaHash().write("test", "t").sum32()).isEqualTo(2349099517L);
    assertThat(new PositionInertiaHash().write("test", "t").write("id", "42").sum32()).isEqualTo(3612200931L);
    assertThat(new PositionInertiaHash().write("id", "42").write("test", "t").sum32()).isEqualTo(3612200931L);
  }

  @Test
  void defaultRuleIsTableDispatcherAndDefaultTopic() {
    EventRouter r = router();
    assertThat(r.topic("test", "t")).isEqualTo("cdc-default");
    assertThat(r.partition(insert, 3)).isEqualTo(1);
    assertThat(r.partition(insert, 16)).isEqualTo(13);
  }

  @Test
  void tsDispatcherUsesCommitTs() {
    EventRouter r = router(rule("test.*", "ts", null, null, null));
    assertThat(r.partition(insert, 3)).isEqualTo(1);
    assertThat(r.partition(insert, 7)).isEqualTo(4);
  }

  @Test
  void indexValueHashesHandleKeyColumns() {
    EventRouter r = router(rule("test.t", "index-value", null, null, null));
    assertThat(r.partition(insert, 3)).isEqualTo(0);
    assertThat(r.partition(insert, 16)).isEqualTo(3);
  }

  @Test
  void indexValueOfNamedIndexUsesUnsignedValueText() {
    EventRouter r = router(rule("test.t", "index-value", "UK_U", null, null));
    assertThat(r.partition(insert, 3)).isEqualTo(1);
    assertThat(r.partition(insert, 16)).isEqualTo(13);
  }

  @Test
  void indexValueOfDeleteUsesOldImage() {
    RowEvent delete = event(t, row(100, 1, 1, 2, RowOp.DELETE, 7, null, values(7L, "x", 1L)));
    EventRouter r = router(rule("*.*", "rowid", null, null, null));
    assertThat(r.partition(delete, 3)).isEqualTo(2);
    assertThat(r.partition(delete, 16)).isEqualTo(12);
  }

  @Test
  void columnsDispatcherHashesListedColumns() {
    EventRouter r = router(rule("test.t", "columns", null, List.of("name", "id"), null));
    assertThat(r.partition(insert, 3)).isEqualTo(2);
    assertThat(r.partition(insert, 16)).isEqualTo(8);
    EventRouter missing = router(rule("test.t", "columns", null, List.of("nope"), null));
    assertThatThrownBy(() -> missing.partition(insert, 3)).isInstanceOf(SinkConfigException.class)
        .extracting(e -> ((SinkConfigException) e).code()).isEqualTo("CDC:ErrDispatcherFailed");
  }

  @Test
  void firstMatchingRuleWinsAndMatchingIsCaseInsensitive() {
    EventRouter r = router(
        rule("other.*", "ts", null, null, "never"),
        rule("TEST.T", "index-value", null, null, "hit_{schema}_{table}"),
        rule("test.*", "ts", null, null, "later"));
    assertThat(r.topic("test", "t")).isEqualTo("hit_test_t");
    assertThat(r.partition(insert, 3)).isEqualTo(0);
    assertThat(r.topic("other", "x")).isEqualTo("never");
    assertThat(r.topic("nomatch", "x")).isEqualTo("cdc-default");
  }

  @Test
  void topicExpressionsAreSanitised() {
    assertThat(TopicDispatcher.of("pre.{schema}.{table}", "d", "canal-json").topic("sch ema", "tä/b")).isEqualTo("pre.sch_ema.t__b");
    assertThat(TopicDispatcher.of("{schema}", "d", "canal-json").topic(".", "x")).isEqualTo("_");
    assertThat(TopicDispatcher.of("{schema}", "d", "canal-json").topic("..", "x")).isEqualTo("__");
    assertThat(TopicDispatcher.of("{schema}_{table}", "d", "canal-json").topic("a".repeat(200), "b".repeat(100)))
        .hasSize(249);
    assertThat(TopicDispatcher.of("static-topic", "d", "canal-json").topic("a", "b")).isEqualTo("static-topic");
    assertThat(TopicDispatcher.of("", "d", "canal-json").topic("a", "b")).isEqualTo("d");
  }

  @Test
  void invalidTopicExpressionsAreRejected() {
    assertThatThrownBy(() -> TopicDispatcher.of("{table}{schema}", "d", "canal-json"))
        .isInstanceOf(SinkConfigException.class).hasMessageStartingWith("[CDC:ErrKafkaTopicExprInvalid]");
    assertThatThrownBy(() -> TopicDispatcher.of("abc{schema}", "d", "avro"))
        .isInstanceOf(SinkConfigException.class);
    assertThatThrownBy(() -> TopicDispatcher.of("a b", "d", "canal-json")).isInstanceOf(SinkConfigException.class);
  }

  @Test
  void ddlOfSchemaGoesToDefaultTopic() {
    EventRouter r = router(rule("test.*", "table", null, null, "{schema}"));
    assertThat(r.ddlTopic("test", "")).isEqualTo("cdc-default");
    assertThat(r.ddlTopic("test", "t")).isEqualTo("test");
  }
}
