package io.kcdc.capture.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SinkRowsMetricTest {
  @Test
  void sumsTheChangefeedsSeries() {
    String text = """
        # HELP ticdc_sink_table_sink_total_rows_count The total count of rows
        # TYPE ticdc_sink_table_sink_total_rows_count gauge
        ticdc_sink_table_sink_total_rows_count{changefeed="cf-1",namespace="default"} 120.0
        ticdc_sink_table_sink_total_rows_count{changefeed="cf-10",namespace="default"} 7.0
        ticdc_sink_table_sink_total_rows_count{changefeed="cf-1",namespace="other"} 9.0
        ticdc_sink_table_sink_total_rows_count_max{changefeed="cf-1",namespace="default"} 99.0
        ticdc_mounter_total_rows_count{changefeed="cf-1",namespace="default"} 500.0
        """;
    assertEquals(120, SinkRowsMetric.rows(text, "default", "cf-1"));
    assertEquals(9, SinkRowsMetric.rows(text, "other", "cf-1"));
    assertEquals(0, SinkRowsMetric.rows(text, "default", "cf-2"));
  }
}
