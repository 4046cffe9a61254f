package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * TiCDC's CLI commands against a running capture: {@code changefeed create --config} with a TiCDC
 * TOML file, {@code processor list/query} and {@code changefeed statistics}
 * (https://github.com/pingcap/tiflow/tree/v8.5.0/pkg/cmd/cli).
 */
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 30;

  private static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start("cli", 1, 1, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  /** Exit code and stdout of one {@code cdc cli} call. */
  private record Run(int code, String out) {}

  private static synchronized Run cli(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "cli";
    full[1] = "--server";
    full[2] = stack.api().base();
    System.arraycopy(args, 0, full, 3, args.length);
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new CdcMain()).execute(full);
      return new Run(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void createFromTomlThenProcessorsAndStatistics() throws Exception {
    // No protocol in the URI: the TOML's [sink] protocol chooses it (without either, a Kafka sink is refused).
    String sink = "kafka://%s/cli-sink?partition-num=1".formatted(stack.kafka.bootstrapServers());
    long tableId;
    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE cli");
      s.execute("CREATE TABLE cli.t (id INT PRIMARY KEY, v VARCHAR(10))");
    }
    tableId = stack.api().post("/api/v2/verify_table", "{\"replica_config\":{\"filter\":{\"rules\":[\"cli.*\"]}}}")
        .path("eligible_tables").get(0).path("table_id").asLong();
    Path bad = Files.writeString(stack.dir.resolve("bad.toml"), "[filter]\nrules = ['cli.*']\nrulez = ['x']\n");
    assertThat(cli("changefeed", "create", "-c", "bad", "--sink-uri", sink, "--config", bad.toString()).code()).isEqualTo(1);
    assertThat(stack.api().http().get("/api/v2/changefeeds/bad").status()).isEqualTo(400);

    Path toml = Files.writeString(stack.dir.resolve("cf.toml"), """
        force-replicate = false
        [filter]
        rules = ['cli.*']
        [sink]
        protocol = "canal-json"
        dispatchers = [{matcher = ['cli.*'], dispatcher = "table"}]
        """);
    long startTs = stack.api().tso();
    Run created = cli("changefeed", "create", "-c", "cli-cf", "--sink-uri", sink, "--start-ts", Long.toString(startTs),
        "--config", toml.toString());
    assertThat(created.code()).as(created.out()).isZero();
    JsonNode config = stack.api().get("/api/v2/changefeeds/cli-cf/meta_info").path("config");
    assertThat(config.path("filter").path("rules").get(0).asText()).isEqualTo("cli.*");
    assertThat(config.path("sink").path("protocol").asText()).isEqualTo("canal-json");
    assertThat(config.path("sink").path("dispatchers").get(0).path("partition").asText()).isEqualTo("table");

    try (Connection db = DriverManager.getConnection(stack.upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      for (int i = 0; i < ROWS; i++) {
        s.execute("INSERT INTO cli.t VALUES (" + i + ", 'v')");
      }
    }
    long endTs = stack.api().tso();
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(() -> Long.compareUnsigned(stack.api().checkpoint("cli-cf"), endTs) >= 0);
    // The canal-json records name the protocol the TOML chose.
    assertThat(new String(stack.read("cli-sink", 0).get(0).value(), StandardCharsets.UTF_8)).contains("\"isDdl\"");

    Run list = cli("processor", "list");
    assertThat(list.code()).isZero();
    JsonNode processors = JSON.readTree(list.out());
    assertThat(processors.isArray()).isTrue();
    JsonNode mine = null;
    for (JsonNode p : processors) {
      if (p.path("changefeed_id").asText().equals("cli-cf")) {
        mine = p;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(list.out()).startsWith("[\n  {\n    \"namespace\": \"default\",");
    String capture = mine.path("capture_id").asText();

    // With one capture there is nothing to drain to (cdc/api/v2/capture.go).
    io.kcdc.testkit.Http.Response drain = stack.api().http().post("/api/v2/captures/" + capture + "/drain", "");
    assertThat(drain.status()).isEqualTo(400);
    assertThat(drain.json().path("error_msg").asText())
        .isEqualTo("[CDC:ErrSchedulerRequestFailed]scheduler request failed, only one capture alive");

    Run query = cli("processor", "query", "-c", "cli-cf", "-p", capture);
    assertThat(query.code()).isZero();
    JsonNode meta = JSON.readTree(query.out());
    assertThat(meta.path("status").path("tables").path(Long.toString(tableId)).path("start-ts").asLong()).isZero();
    assertThat(meta.has("position")).isTrue();
    assertThat(cli("processor", "query", "-c", "cli-cf", "-p", "no-such-capture").code()).isEqualTo(1);

    Run stats = cli("changefeed", "statistics", "-c", "cli-cf", "--interval", "1", "--count", "2");
    assertThat(stats.code()).isZero();
    String[] lines = stats.out().split("\n\\{");
    assertThat(lines).hasSize(2);
    JsonNode last = JSON.readTree("{" + lines[1]);
    assertThat(last.path("count").asLong()).isEqualTo(ROWS);
    assertThat(last.path("ops").asLong()).isZero(); // nothing written between the two readings
    assertThat(last.path("sink_gap").asText()).endsWith("ms");
    long gap = Long.parseLong(last.path("replication_gap").asText().replace("ms", ""));
    assertThat(gap).isBetween(0L, 30_000L);
  }
}
