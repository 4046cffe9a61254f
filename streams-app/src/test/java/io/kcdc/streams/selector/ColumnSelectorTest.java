package io.kcdc.streams.selector;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.RowOp;
import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.streams.codec.CanalJsonEncoder;
import io.kcdc.streams.codec.EncoderConfig;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.sink.SinkConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnSelectorTest {

  private static RowEvent update() {
    return event(testT(100, 1), row(100, 1, 1, 1L << 18, RowOp.UPDATE, 1, values(1L, "new", 5L), values(1L, "old", 5L)));
  }

  @Test
  void firstMatchingSelectorKeepsItsColumns() {
    ColumnSelector s = new ColumnSelector(List.of(
        new ReplicaConfig.ColumnSelector(List.of("test.t"), List.of("*", "!n*")),
        new ReplicaConfig.ColumnSelector(List.of("test.*"), List.of("id"))), false);
    RowEvent out = s.apply(update());
    assertThat(out.table().columns()).extracting(c -> c.getName()).containsExactly("id", "u");
    assertThat(out.columns()).containsExactly(1L, 5L);
    assertThat(out.preColumns()).containsExactly(1L, 5L);
    assertThat(s.keeps("test", "t", "NAME")).isFalse();
    assertThat(s.keeps("other", "t", "name")).isTrue();
    String json = new String(new CanalJsonEncoder(EncoderConfig.defaults()).encodeRow(out).value());
    assertThat(json).contains("\"data\":[{\"id\":\"1\",\"u\":\"5\"}]").doesNotContain("name");

    RowEvent untouched = update();
    assertThat(ColumnSelector.none().apply(untouched)).isSameAs(untouched);
  }

  @Test
  void selectionMustKeepAKey() {
    ColumnSelector keepsUnique = new ColumnSelector(List.of(new ReplicaConfig.ColumnSelector(List.of("test.t"), List.of("u"))), false);
    assertThat(keepsUnique.apply(update()).columns()).containsExactly(5L);
    ColumnSelector noKey = new ColumnSelector(List.of(new ReplicaConfig.ColumnSelector(List.of("test.t"), List.of("name"))), false);
    assertThatThrownBy(() -> noKey.apply(update())).isInstanceOf(SinkConfigException.class)
        .hasMessageStartingWith("[CDC:ErrColumnSelectorFailed]");
  }
}
