package io.kcdc.capture.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.config.ReplicaConfig.EventFilterRule;
import io.kcdc.common.config.ReplicaConfig.FilterConfig;
import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.ChangefeedState;
import io.kcdc.streams.filter.EventFilter;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API's {@code filter} section reaches the streams app, and bad value expressions are rejected up front. */
class SinkSupportEventFilterTest {
  private final SinkSupport sinks = new SinkSupport("unused:9092", "default", (short) 1);

  private static ChangefeedInfo info(String sinkUri, FilterConfig filter) {
    ReplicaConfig d = ReplicaConfig.DEFAULT;
    ReplicaConfig c = new ReplicaConfig(d.memoryQuota(), d.caseSensitive(), d.forceReplicate(),
        d.ignoreIneligibleTable(), d.checkGcSafePoint(), d.enableSyncPoint(), d.enableTableMonitor(), d.bdrMode(),
        d.syncPointInterval(), d.syncPointRetention(), filter, d.mounter(), d.sink(), d.consistent(), d.scheduler(),
        d.integrity(), d.changefeedErrorStuckDuration(), d.syncedStatus(), d.sqlMode());
    return new ChangefeedInfo(7, "default", "cf1", sinkUri, OffsetDateTime.now(), 100, 0, 0, null, null, c,
        ChangefeedState.NORMAL, null, null, "v8.5.0", 0);
  }

  private static FilterConfig filter(String insertExpr) {
    return new FilterConfig(List.of("*.*"), List.of(42L), List.of(new EventFilterRule(List.of("test.t"),
        List.of("delete"), List.of("^DROP"), insertExpr, null, null, null)));
  }

  @Test
  void theStreamsConfigCarriesTheEventFilters() {
    var config = sinks.streamsConfig(info("blackhole://", filter("id >= 100")), Path.of("/tmp/unused"));
    assertThat(config.eventFilter()).isEqualTo(new FilterConfig(List.of("*.*"), List.of(42L), List.of(
        new EventFilterRule(List.of("test.t"), List.of("delete"), List.of("^DROP"), "id >= 100", "", "", ""))));
    assertThat(EventFilter.of(sinks.eventFilter(info("blackhole://", new FilterConfig(List.of("*.*"), null, null)))))
        .isSameAs(EventFilter.none());
  }

  @Test
  void anInvalidExpressionIsRejectedWhenTheChangefeedIsValidated() {
    sinks.validate(info("blackhole://", filter("id >= 100")));
    KafkaChangefeedRuntime runtime = new KafkaChangefeedRuntime(
        new KafkaChangefeedRuntime.Settings("unused:9092", List.of(), 1, 1, ""), null, null, null, sinks, w -> w);
    assertThatThrownBy(() -> runtime.validate(info("blackhole://", filter("id >= "))))
        .isInstanceOfSatisfying(CdcException.class, e -> {
          assertThat(e.code()).isEqualTo("CDC:ErrInvalidFilterExpression");
          assertThat(CdcError.httpStatus(e.code(), e.getMessage())).isEqualTo(500);
          assertThat(e.getMessage()).contains("invalid filter expressions. There is a syntax error in: 'id >= '");
        });
    assertThatThrownBy(() -> runtime.validate(info("blackhole://", filter("unknown_fn(id) = 1"))))
        .isInstanceOfSatisfying(CdcException.class,
            e -> assertThat(e.code()).isEqualTo("CDC:ErrInvalidFilterExpression"));
  }
}
