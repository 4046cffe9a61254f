package io.kcdc.streams;

import io.kcdc.common.Tso;
import io.kcdc.common.metrics.TiCdcMeters;
import io.micrometer.core.instrument.DistributionSummary;

/**
 * A changefeed's sorter and sink metrics under TiCDC's names and labels (pingcap/tiflow v8.5.0
 * {@code cdc/processor/sinkmanager}, {@code cdc/sink/metrics}, {@code cdc/sink/metrics/tablesink},
 * {@code cdc/sink/metrics/mq}; docs/metrics.md), in Micrometer's global registry.
 */
public final class ChangefeedMetrics {
  /** TiCDC's {@code sinkType} label of {@code batch_row_count} for an MQ sink. */
  static final String SINK_TYPE = "mq";
  private static final String ON_DISK = "ticdc_sorter_on_disk_data_size_gauge";
  private static final String OUTGOING = "ticdc_sink_kafka_producer_outgoing_byte_rate";
  private final TiCdcMeters.Counter sorterOutput;
  private final TiCdcMeters.Counter sinkRows;
  private final DistributionSummary batchRows;
  private final DistributionSummary sendDuration;
  private final DistributionSummary flushLag;

  private ChangefeedMetrics(TiCdcMeters m, String namespace, String changefeed) {
    sorterOutput = m.counter("ticdc_sorter_output_event_count", "The number of events output by the sorter",
        "namespace", namespace, "changefeed", changefeed, "type", "kv");
    sinkRows = m.counter("ticdc_sink_table_sink_total_rows_count",
        "The total count of rows that are processed by table sink", "namespace", namespace, "changefeed", changefeed);
    batchRows = m.histogram("ticdc_sink_batch_row_count", "Row count number for a given batch.",
        TiCdcMeters.exponentialBuckets(1, 2, 18), "namespace", namespace, "changefeed", changefeed, "type", SINK_TYPE);
    sendDuration = m.histogram("ticdc_sink_mq_worker_send_message_duration",
        "Send Message duration(s) for MQ worker.", TiCdcMeters.exponentialBuckets(0.001, 2, 20),
        "namespace", namespace, "changefeed", changefeed);
    flushLag = m.histogram("ticdc_sink_flush_lag_histogram",
        "flush lag histogram of rows that are processed by table sink", TiCdcMeters.lagBuckets(),
        "namespace", namespace, "changefeed", changefeed);
  }

  public static ChangefeedMetrics of(String namespace, String changefeed) {
    return new ChangefeedMetrics(TiCdcMeters.global(), namespace, changefeed);
  }

  /** Rows the sorter released (its output to the sink). */
  public void sorterOutput(int rows) {
    sorterOutput.add(rows);
  }

  /**
   * Registers the app's scrape-time gauges: {@code ticdc_sorter_on_disk_data_size_gauge} (the bytes of the app's
   * state directory, where the sorter's RocksDB stores live; {@code id} is the changefeed) and
   * {@code ticdc_sink_kafka_producer_outgoing_byte_rate} (the app's producers' {@code outgoing-byte-rate}, summed;
   * {@code broker="all"}: Kafka's per-node rates are not broken down here).
   */
  public static void registerApp(String namespace, String changefeed, java.nio.file.Path stateDir,
      java.util.function.Supplier<java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric>> kafka) {
    TiCdcMeters m = TiCdcMeters.global();
    m.gauge(ON_DISK, "The amount of pending data stored on-disk by the sorter", () -> sizeOf(stateDir),
        "id", namespace + "/" + changefeed);
    m.gauge(OUTGOING, "Bytes/second written off all brokers.", () -> kafka.get().entrySet().stream()
        .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals("outgoing-byte-rate"))
        .mapToDouble(e -> e.getValue().metricValue() instanceof Number n ? n.doubleValue() : 0).sum(),
        "namespace", namespace, "changefeed", changefeed, "broker", "all");
  }

  /** Removes the gauges of {@link #registerApp}. */
  public static void unregisterApp(String namespace, String changefeed) {
    TiCdcMeters m = TiCdcMeters.global();
    m.remove(ON_DISK, "id", namespace + "/" + changefeed);
    m.remove(OUTGOING, "namespace", namespace, "changefeed", changefeed, "broker", "all");
  }

  private static long sizeOf(java.nio.file.Path dir) {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> {
        try {
          return java.nio.file.Files.size(p);
        } catch (java.io.IOException | RuntimeException e) {
          return 0; // deleted meanwhile (a compaction)
        }
      }).sum();
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  /** A batch of rows written to the sink: its size and how long encoding and sending it took. */
  public void flushed(int rows, long sendNanos) {
    sinkRows.add(rows);
    batchRows.record(rows);
    sendDuration.record(sendNanos / 1e9);
  }

  /** A row in the sink: how long after its commit ({@code nowMillis} minus the physical time of its commit ts). */
  public void flushLag(long commitTs, long nowMillis) {
    flushLag.record(Math.max(0, nowMillis - Tso.physical(commitTs)) / 1e3);
  }
}
