package io.kcdc.connector;

import io.kcdc.common.metrics.TiCdcMeters;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A changefeed's processor-side metrics under TiCDC's names and labels (pingcap/tiflow v8.5.0 {@code cdc/kv},
 * {@code cdc/puller}, {@code cdc/entry}, {@code cdc/processor} {@code metrics.go}; docs/metrics.md). They go to
 * Micrometer's global registry: in a capture its {@code /metrics}, in a stock Connect worker nowhere.
 */
public final class ProcessorMetrics {
  private static final String EVENT_FEED_COUNT = "ticdc_kvclient_event_feed_count";
  private static final String EVENT_FEED_ERRORS = "ticdc_kvclient_event_feed_error_count";
  private static final String PULL_EVENTS = "ticdc_kvclient_pull_event_count";
  private static final String LOCK_RESOLVE = "ticdc_kvclient_lock_resolve_duration";
  private static final String TXN_COLLECT = "ticdc_puller_txn_collect_event_count";
  private static final String MOUNTER_ROWS = "ticdc_mounter_total_rows_count";
  private static final String TABLES = "ticdc_processor_num_of_tables";
  private static final String EXIT_WITH_ERROR = "ticdc_processor_exit_with_error_count";
  /** TiCDC: {@code ExponentialBuckets(1, 2, 20)}, in milliseconds. */
  private static final double[] LOCK_RESOLVE_BUCKETS = TiCdcMeters.exponentialBuckets(1, 2, 20);
  private static final Map<String, TiCdcMeters.Value> TABLE_COUNTS = new ConcurrentHashMap<>();

  private final TiCdcMeters meters;
  private final String namespace;
  private final String changefeed;
  private final TiCdcMeters.Counter mountedRows;
  private final TiCdcMeters.Counter collectedKv;
  private final TiCdcMeters.Counter collectedResolved;
  private final DistributionSummary lockResolveRun;
  /** Per log type: looking a counter up by name and tags builds a key string, too dear for every pulled row. */
  private final Map<String, TiCdcMeters.Counter> pulledByType = new ConcurrentHashMap<>();

  private ProcessorMetrics(TiCdcMeters meters, String namespace, String changefeed) {
    this.meters = meters;
    this.namespace = namespace;
    this.changefeed = changefeed;
    mountedRows = meters.counter(MOUNTER_ROWS, "The total count of rows that are processed by mounter",
        "namespace", namespace, "changefeed", changefeed);
    collectedKv = txnCollect("kv");
    collectedResolved = txnCollect("resolved");
    lockResolveRun = meters.histogram(LOCK_RESOLVE, "time of lock resolve in ms", LOCK_RESOLVE_BUCKETS,
        "namespace", namespace, "changefeed", changefeed, "action", "run");
  }

  /** The metrics of a changefeed's processor in this process. */
  public static ProcessorMetrics of(String namespace, String changefeed) {
    return new ProcessorMetrics(TiCdcMeters.global(), namespace, changefeed);
  }

  private TiCdcMeters.Counter txnCollect(String type) {
    return meters.counter(TXN_COLLECT, "The number of events received by a puller",
        "namespace", namespace, "changefeed", changefeed, "type", type);
  }

  /** A row mounted into a row change. */
  public void rowMounted() {
    mountedRows.inc();
  }

  /** An event the puller handed to the processor: a row ({@code kv}) or a resolved ts. */
  public void collected(boolean row) {
    (row ? collectedKv : collectedResolved).inc();
  }

  /** A row of a TiKV change-data event, by its log type (TiCDC's label is kvproto's enum name). */
  public void pulled(String logType) {
    pulledByType.computeIfAbsent(logType, t -> meters.counter(PULL_EVENTS, "event count received by this puller",
        "type", t, "namespace", namespace, "changefeed", changefeed)).inc();
  }

  /** A region feed started ({@code +1}) or ended ({@code -1}); TiCDC's gauge has no labels. */
  public static void eventFeeds(int delta) {
    TiCdcMeters.global().counter(EVENT_FEED_COUNT, "The number of event feed running").add(delta);
  }

  /** A region error from TiKV, by TiCDC's type ({@code NotLeader}, {@code EpochNotMatch}, ...). */
  public static void eventFeedError(String type) {
    TiCdcMeters.global().counter(EVENT_FEED_ERRORS, "The number of error return by tikv", "type", type).inc();
  }

  /** One lock resolution of a lagging region took {@code millis}. */
  public void lockResolved(double millis) {
    lockResolveRun.record(millis);
  }

  /** A task of the changefeed now captures {@code delta} more (or fewer) tables. */
  public void tables(int delta) {
    TABLE_COUNTS.computeIfAbsent(namespace + "/" + changefeed, k -> meters.value(TABLES,
        "number of synchronized table of processor", "namespace", namespace, "changefeed", changefeed))
        .add(delta);
  }

  /** A task of the changefeed stopped with an error. */
  public void exitedWithError() {
    meters.counter(EXIT_WITH_ERROR, "counter for processor exits with error",
        "namespace", namespace, "changefeed", changefeed).inc();
  }
}
