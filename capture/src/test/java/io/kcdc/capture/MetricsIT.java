package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.common.Tso;
import io.kcdc.testkit.Http;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows driven through a changefeed show up in the capture's {@code /metrics} under TiCDC's names and labels
 * (docs/metrics.md): every stage counts exactly the rows written, the owner's checkpoint and lags are there and
 * move, and the histograms have their {@code _bucket} series.
 */
class MetricsIT {
  private static final int ROWS = 40;
  private static final String CF = "metrics-cf";
  private static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start("metrics", 1, 2, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void countersMatchTheRowsAndLagsMove() throws Exception {
    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE m");
      s.execute("CREATE TABLE m.t (id INT PRIMARY KEY, v VARCHAR(20))");
      long startTs = stack.api().tso();
      stack.api().post("/api/v2/changefeeds", """
          {"changefeed_id":"%s","start_ts":%d,
           "sink_uri":"kafka://%s/metrics-sink?protocol=canal-json&partition-num=1",
           "replica_config":{"filter":{"rules":["m.*"]}}}""".formatted(CF, startTs, stack.kafka.bootstrapServers()));
      for (int i = 0; i < ROWS; i++) {
        s.execute("INSERT INTO m.t VALUES (" + i + ", 'v" + i + "')");
      }
      long endTs = stack.api().tso();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(Long.compareUnsigned(stack.api().checkpoint(CF), endTs)).isGreaterThanOrEqualTo(0));

      String[] cf = {"namespace", "default", "changefeed", CF};
      // The owner publishes its metrics on its next tick after the checkpoint passed the rows.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Scrape m = scrape();
        assertThat(m.value("ticdc_owner_checkpoint_ts", cf).orElse(0)).isGreaterThanOrEqualTo(Tso.physical(endTs));
        assertThat(m.value("ticdc_sink_table_sink_total_rows_count", cf).orElse(0)).isEqualTo(ROWS);
      });
      Scrape m = scrape();
      assertThat(m.value("ticdc_mounter_total_rows_count", cf)).hasValue(ROWS);
      assertThat(m.value("ticdc_puller_txn_collect_event_count", with(cf, "type", "kv"))).hasValue(ROWS);
      assertThat(m.value("ticdc_puller_txn_collect_event_count", with(cf, "type", "resolved")).orElse(0)).isPositive();
      assertThat(m.value("ticdc_sorter_output_event_count", with(cf, "type", "kv"))).hasValue(ROWS);
      // Each row reaches the puller as a prewrite and a commit, or committed (one-phase commit)
      double commits = m.value("ticdc_kvclient_pull_event_count", with(cf, "type", "COMMIT")).orElse(0)
          + m.value("ticdc_kvclient_pull_event_count", with(cf, "type", "COMMITTED")).orElse(0);
      assertThat(commits).isGreaterThanOrEqualTo(ROWS);
      assertThat(m.value("ticdc_kvclient_event_feed_count").orElse(0)).isGreaterThanOrEqualTo(1);
      assertThat(m.value("ticdc_processor_num_of_tables", cf)).hasValue(1);
      assertThat(m.value("ticdc_sink_batch_row_count_sum", with(cf, "type", "mq"))).hasValue(ROWS);
      assertThat(m.value("ticdc_sink_batch_row_count_bucket", with(cf, "type", "mq", "le", "+Inf")).orElse(0))
          .isPositive();
      assertThat(m.value("ticdc_sink_flush_lag_histogram_count", cf)).hasValue(ROWS);
      assertThat(m.value("ticdc_sink_mq_worker_send_message_duration_count", cf).orElse(0)).isPositive();
      assertThat(m.find("ticdc_sorter_on_disk_data_size_gauge", "id", "default/" + CF)).hasSize(1);
      assertThat(m.value("ticdc_sorter_on_disk_data_size_gauge", "id", "default/" + CF).orElse(0)).isPositive();
      assertThat(m.value("ticdc_owner_status", cf)).hasValue(0);
      assertThat(m.value("ticdc_owner_checkpoint_ts_lag", cf).orElse(-1)).isBetween(0.0, 60.0);
      assertThat(m.value("ticdc_owner_resolved_ts_lag", cf).orElse(-1)).isBetween(0.0, 60.0);
      assertThat(m.value("ticdc_scheduler_slow_table_stage_checkpoint_ts_lag", with(cf, "stage", "sink")).orElse(-1))
          .isBetween(0.0, 60.0);
      assertThat(m.value("ticdc_processor_exit_with_error_count", cf)).isEmpty();

      // Idle, the resolved ts still advances: the checkpoint moves on and the ownership counter grows.
      double checkpoint = m.value("ticdc_owner_checkpoint_ts", cf).getAsDouble();
      double owned = m.value("ticdc_owner_ownership_counter").getAsDouble();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Scrape later = scrape();
        assertThat(later.value("ticdc_owner_checkpoint_ts", cf).getAsDouble()).isGreaterThan(checkpoint);
        assertThat(later.value("ticdc_owner_ownership_counter").getAsDouble()).isGreaterThan(owned + 1);
        assertThat(later.value("ticdc_mounter_total_rows_count", cf)).hasValue(ROWS);
      });
    }
  }

  private static Scrape scrape() throws Exception {
    Http.Response r = stack.api().http().get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    return Scrape.parse(r.body());
  }

  private static String[] with(String[] base, String... more) {
    String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }
}
