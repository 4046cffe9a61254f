package io.kcdc.gateway.owner;

import io.kcdc.common.Tso;
import io.kcdc.common.metrics.TiCdcMeters;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;

/**
 * The owner's metrics under TiCDC's names and labels (pingcap/tiflow v8.5.0 {@code cdc/owner/metrics.go},
 * {@code cdc/scheduler/internal/v3/replication/metrics.go}; docs/metrics.md): per changefeed its checkpoint and
 * resolved ts (physical milliseconds) and their lags (seconds), its state, the slowest stages' lags, and the
 * ownership counter that grows by one per second on the owner.
 */
public final class OwnerMetrics {
  private static final String CHECKPOINT_TS = "ticdc_owner_checkpoint_ts";
  private static final String CHECKPOINT_LAG = "ticdc_owner_checkpoint_ts_lag";
  private static final String RESOLVED_TS = "ticdc_owner_resolved_ts";
  private static final String RESOLVED_LAG = "ticdc_owner_resolved_ts_lag";
  private static final String STATUS = "ticdc_owner_status";
  private static final String STAGE_LAG = "ticdc_scheduler_slow_table_stage_checkpoint_ts_lag";
  /** TiCDC's stages: the sorter's input (what it has received up to) and the sink (what is written). */
  static final String STAGE_SORTER = "sorter-ingress";
  static final String STAGE_SINK = "sink";
  private final TiCdcMeters meters;
  private final TiCdcMeters.Counter ownership;

  public OwnerMetrics(MeterRegistry registry) {
    meters = new TiCdcMeters(registry);
    ownership = meters.counter("ticdc_owner_ownership_counter",
        "The counter of ownership increases every 5 seconds on a owner capture");
  }

  /** Metrics that go nowhere (tests that build an owner without a capture). */
  public static OwnerMetrics none() {
    return new OwnerMetrics(new SimpleMeterRegistry());
  }

  /** The owner ran for {@code seconds} more: {@code rate(ticdc_owner_ownership_counter[1m])} is 1 on the owner. */
  void owned(double seconds) {
    ownership.add(seconds);
  }

  /** A changefeed's progress as the owner sees it at {@code now}. */
  void progress(ChangefeedId id, long checkpointTs, long resolvedTs, Instant now) {
    set(CHECKPOINT_TS, "checkpoint ts of changefeeds", id, Tso.physical(checkpointTs));
    set(CHECKPOINT_LAG, "checkpoint ts lag of changefeeds in seconds", id, lag(checkpointTs, now));
    set(RESOLVED_TS, "resolved ts of changefeeds", id, Tso.physical(resolvedTs));
    set(RESOLVED_LAG, "resolved ts lag of changefeeds in seconds", id, lag(resolvedTs, now));
  }

  /** The lags of the slowest table's stages. */
  void stages(ChangefeedId id, long sorterIngressTs, long sinkTs, Instant now) {
    stage(id, STAGE_SORTER).set(lag(sorterIngressTs, now));
    stage(id, STAGE_SINK).set(lag(sinkTs, now));
  }

  private TiCdcMeters.Value stage(ChangefeedId id, String stage) {
    return meters.value(STAGE_LAG, "Checkpoint ts lag of each stage of the slowest table",
        "namespace", id.namespace(), "changefeed", id.id(), "stage", stage);
  }

  void state(ChangefeedId id, ChangefeedState state) {
    set(STATUS, "The status of changefeeds", id, stateValue(state));
  }

  /** TiCDC's {@code FeedState.ToInt()} (tiflow v8.5.0 cdc/model/changefeed.go). */
  static int stateValue(ChangefeedState state) {
    return switch (state) {
      case NORMAL -> 0;
      case PENDING -> 1;
      case FAILED -> 2;
      case STOPPED -> 3;
      case FINISHED -> 4;
      case REMOVED -> 5;
      case WARNING -> 6;
      case UNINITIALIZED -> 7;
    };
  }

  /** A changefeed is gone: its series go too. */
  void removed(ChangefeedId id) {
    stopped(id);
    meters.remove(STATUS, "namespace", id.namespace(), "changefeed", id.id());
  }

  /** A changefeed no longer runs: as TiCDC, only its status stays (a stopped feed's lag is no alert). */
  void stopped(ChangefeedId id) {
    for (String name : new String[] {CHECKPOINT_TS, CHECKPOINT_LAG, RESOLVED_TS, RESOLVED_LAG}) {
      meters.remove(name, "namespace", id.namespace(), "changefeed", id.id());
    }
    for (String stage : new String[] {STAGE_SORTER, STAGE_SINK}) {
      meters.remove(STAGE_LAG, "namespace", id.namespace(), "changefeed", id.id(), "stage", stage);
    }
  }

  private void set(String name, String help, ChangefeedId id, double v) {
    meters.value(name, help, "namespace", id.namespace(), "changefeed", id.id()).set(v);
  }

  private static double lag(long ts, Instant now) {
    return (now.toEpochMilli() - Tso.physical(ts)) / 1e3;
  }
}
