package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kcdc.common.Tso;
import io.kcdc.testkit.Http;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rows driven through a changefeed show up in the capture's {@code /metrics} under TiCDC's names and labels
 * (docs/metrics.md): every stage counts exactly the rows written, the owner's checkpoint and lags are there and
 * move, and the histograms have their {@code _bucket} series. The JVM's and Kafka's own metrics (Connect worker,
 * Streams app, its clients) are on the same page, every metric the Grafana dashboard and the alert rules under
 * docker/ query is exported, and a removed changefeed's Kafka meters go with its Streams app.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {
  private static final Path ROOT = Path.of("..");
  /**
   * TiCDC's series that, as in TiCDC (a CounterVec child is created on its first event), only appear once their
   * event happened: a task failing, a region error, a lock to resolve. Each must still be one docs/metrics.md lists.
   */
  private static final Set<String> ON_FIRST_EVENT = Set.of("ticdc_processor_exit_with_error_count",
      "ticdc_kvclient_event_feed_error_count", "ticdc_kvclient_lock_resolve_duration");

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
  @Order(1)
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
      // Kafka's windowed rate of the app's producers (30 s samples): the rows were written moments ago
      assertThat(m.value("ticdc_sink_kafka_producer_outgoing_byte_rate", with(cf, "broker", "all")).orElse(0))
          .isPositive();
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

  @Test
  @Order(2)
  void jvmAndKafkaMetricsAreExportedThroughMicrometersBinders() throws Exception {
    String[] cf = {"namespace", "default", "changefeed", CF};
    // Kafka's binders add a meter once Kafka created its metric (a Streams thread's after its first assignment)
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Scrape m = scrape();
      assertThat(m.value("jvm_memory_used_bytes", "area", "heap").orElse(0)).isPositive();
      assertThat(m.find("jvm_gc_pause_seconds_count")).isNotEmpty();
      assertThat(m.value("jvm_threads_live_threads").orElse(0)).isPositive();
      assertThat(m.value("jvm_classes_loaded_classes").orElse(0)).isPositive();
      assertThat(m.value("system_cpu_count").orElse(0)).isPositive();
      assertThat(m.find("process_cpu_usage")).isNotEmpty();
      // the embedded Connect worker runs the changefeed's connector and its task(s)
      assertThat(m.value("kafka_connect_worker_task_count").orElse(0)).isPositive();
      // Connect's task groups are not prefixed with connect- (source-task-metrics, task-metrics)
      assertThat(m.names()).as("Kafka's meters").filteredOn(n -> n.startsWith("kafka_"))
          .contains("kafka_source_task_source_record_poll_rate", "kafka_source_task_source_record_write_rate");
      // the Streams app and its clients, tagged with the changefeed
      assertThat(m.find("kafka_stream_thread_process_total", cf)).isNotEmpty();
      assertThat(m.find("kafka_consumer_fetch_manager_records_consumed_total", cf)).isNotEmpty();
      assertThat(m.value("kafka_producer_record_send_total", cf).orElse(0)).isPositive();
      // the clients Connect creates and keeps to itself: the task's transactional producer (tagged with the
      // changefeed of its connector) and the worker's consumers of its own topics (docs/metrics.md)
      assertThat(m.value("kafka_producer_record_send_total", "client_id", "connector-producer-cdc-" + CF + "-0",
          "changefeed", CF).orElse(0)).isPositive();
      assertThat(m.find("kafka_consumer_fetch_manager_records_consumed_total", "changefeed", ""))
          .anySatisfy(s -> assertThat(s.labels().get("client_id")).contains("offsets"));
    });
  }

  @Test
  @Order(3)
  void everyMetricOfTheDashboardAndTheRulesIsExported() throws Exception {
    Map<String, String> exprs = new TreeMap<>();
    JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("docker/grafana/ticdc-kcdc.json").toFile());
    dashboard.findValues("expr").forEach(e -> exprs.put(e.asText(), "dashboard"));
    Matcher labelValues = Pattern.compile("label_values\\((\\w+)").matcher(dashboard.path("templating").toString());
    while (labelValues.find()) {
      exprs.put(labelValues.group(1), "dashboard variable");
    }
    JsonNode rules = new YAMLMapper().readTree(ROOT.resolve("docker/prometheus/ticdc.rules.yml").toFile());
    assertThat(rules.path("groups")).isNotEmpty();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        assertThat(rule.path("alert").asText()).isNotEmpty();
        exprs.put(rule.path("expr").asText(), "rule " + rule.path("alert").asText());
      }
    }
    assertThat(exprs).hasSizeGreaterThan(40);

    Set<String> names = new TreeSet<>();
    exprs.keySet().forEach(e -> names.addAll(PromQlNames.of(e)));
    assertThat(names).contains("ticdc_owner_checkpoint_ts_lag", "ticdc_sink_flush_lag_histogram_bucket",
        "jvm_memory_used_bytes", "kafka_stream_thread_process_rate", "kafka_connect_worker_task_count");
    String documented = Files.readString(ROOT.resolve("docs/metrics.md"));
    Set<String> exported = scrape().names();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      // histograms are exported as _bucket/_sum/_count only, so a bare histogram name is missing too
      String base = name.replaceFirst("_(bucket|sum|count)$", "");
      boolean ok = exported.contains(name)
          || (ON_FIRST_EVENT.contains(name) || ON_FIRST_EVENT.contains(base)) && documented.contains("`" + base + "`")
          || ON_FIRST_EVENT.contains(name) && documented.contains("`" + name + "`");
      if (!ok) {
        missing.add(name + " (" + exprs.entrySet().stream().filter(e -> PromQlNames.of(e.getKey()).contains(name))
            .map(Map.Entry::getValue).findFirst().orElse("?") + ")");
      }
    }
    assertThat(missing).as("metrics the dashboard or the rules query but /metrics does not export").isEmpty();
  }

  @Test
  @Order(4)
  void playgroundPrometheusScrapesTheCaptureWithTheRulesLoaded() throws Exception {
    assertThatThrownBy(() -> PlaygroundPrometheus.requireInstalled(Path.of("/nonexistent/prometheus")))
        .hasMessageContaining("apt-get install prometheus");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(PlaygroundPrometheus.DEFAULT_BINARY),
        "the prometheus package is not installed");
    Path dir = io.kcdc.testkit.TempDirs.create("metrics-prometheus");
    String capture = java.net.URI.create(stack.api().http().baseUrl()).getAuthority();
    try (PlaygroundPrometheus p = PlaygroundPrometheus.start(PlaygroundPrometheus.DEFAULT_BINARY, dir,
        io.kcdc.testkit.FreePorts.pick(), List.of(capture))) {
      Http api = Http.to(p.url().toString());
      JsonNode rules = api.get("/api/v1/rules").json();
      assertThat(rules.findValuesAsText("name")).contains("cdc_multiple_owners", "cdc_no_owner",
          "ticdc_changefeed_failed", "cdc_checkpoint_high_delay");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        JsonNode r = api.get("/api/v1/query?query=ticdc_owner_ownership_counter").json();
        assertThat(r.path("data").path("result")).hasSize(1);
        assertThat(r.path("data").path("result").get(0).path("metric").path("instance").asText()).isEqualTo(capture);
        assertThat(r.path("data").path("result").get(0).path("metric").path("job").asText()).isEqualTo("ticdc");
      });
    } finally {
      io.kcdc.testkit.TempDirs.deleteQuietly(dir);
    }
  }

  @Test
  @Order(5)
  void aRemovedChangefeedsKafkaMetersGoWithItsStreamsApp() throws Exception {
    String[] cf = {"namespace", "default", "changefeed", CF};
    assertThat(scrape().find("kafka_stream_thread_process_total", cf)).isNotEmpty();
    assertThat(stack.api().http().delete("/api/v2/changefeeds/" + CF).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Scrape m = scrape();
      assertThat(m.samples()).noneMatch(s -> s.name().startsWith("kafka_") && CF.equals(s.labels().get("changefeed")));
      // the process's own meters stay
      assertThat(m.value("jvm_threads_live_threads").orElse(0)).isPositive();
      assertThat(m.find("kafka_connect_worker_task_count")).isNotEmpty();
    });
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
