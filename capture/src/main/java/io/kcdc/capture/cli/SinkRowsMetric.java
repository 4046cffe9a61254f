package io.kcdc.capture.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a changefeed's written rows from a capture's Prometheus text: TiCDC's
 * {@code ticdc_sink_table_sink_total_rows_count{namespace,changefeed}} (docs/metrics.md).
 */
public final class SinkRowsMetric {
  static final String NAME = "ticdc_sink_table_sink_total_rows_count";
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private SinkRowsMetric() {}

  /** The rows this exposition reports for the changefeed; 0 when it has none. */
  public static long rows(String exposition, String namespace, String changefeed) {
    long sum = 0;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(NAME + "{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      Map<String, String> labels = new HashMap<>();
      Matcher m = LABEL.matcher(line.substring(NAME.length() + 1, close));
      while (m.find()) {
        labels.put(m.group(1), m.group(2));
      }
      if (namespace.equals(labels.get("namespace")) && changefeed.equals(labels.get("changefeed"))) {
        String value = line.substring(close + 1).trim().split(" ")[0];
        sum += (long) Double.parseDouble(value);
      }
    }
    return sum;
  }
}
