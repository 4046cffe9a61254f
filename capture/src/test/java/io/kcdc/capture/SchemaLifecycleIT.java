package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tables created, truncated, renamed (one and several at a time, into and out of the filter),
 * dropped and exchanged with a partition while rows are written, end to end into a canal-json sink
 * read by a read_committed consumer (docs/schema-lifecycle.md): every row is there once under the
 * table name it had when it was written, nothing of a dropped table or of a table renamed out of
 * the filter follows its DDL, and a multi-table rename gives one DDL per table.
 */
class SchemaLifecycleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestStack stack;
  private static TestApi api;

  @BeforeAll
  static void startEverything() throws Exception {
    stack = TestStack.start("schema-lifecycle", 1, 2, 2);
    api = stack.api();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void ddlsInterleavedWithWritesLeaveEveryRowUnderTheRightTable() throws Exception {
    String url = stack.upstream.jdbcUrl();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger steady = new AtomicInteger();
    try (Connection db = DriverManager.getConnection(url, "root", ""); Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE lc");
      s.execute("CREATE DATABASE outside");
      for (String t : List.of("steady", "gone", "trunc", "a", "c", "nt", "leaving")) {
        s.execute("CREATE TABLE lc." + t + " (id INT PRIMARY KEY, v INT)");
      }
      s.execute("CREATE TABLE lc.pt (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) "
          + "(PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20))");
      api.post("/api/v2/changefeeds", """
          {"changefeed_id":"lc","start_ts":%d,
           "sink_uri":"kafka://%s/lc-sink?protocol=canal-json&partition-num=1",
           "replica_config":{"filter":{"rules":["lc.*"]}}}""".formatted(api.tso(), stack.kafka.bootstrapServers()));

      // rows keep coming into one table the whole time
      Thread writer = new Thread(() -> {
        try (Connection w = DriverManager.getConnection(url, "root", ""); Statement ws = w.createStatement()) {
          while (writing.get()) {
            ws.execute("INSERT INTO lc.steady VALUES (" + steady.incrementAndGet() + ", 0)");
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "steady-writer");
      writer.start();
      try {
        for (String t : List.of("gone", "trunc", "a", "c", "leaving")) {
          s.execute("INSERT INTO lc." + t + " VALUES (1, 1)");
        }
        s.execute("INSERT INTO lc.pt VALUES (1, 1), (11, 11)");
        s.execute("INSERT INTO lc.nt VALUES (15, 15)");
        s.execute("CREATE TABLE lc.fresh (id INT PRIMARY KEY, v INT)");
        s.execute("INSERT INTO lc.fresh VALUES (1, 1)");
        s.execute("DROP TABLE lc.gone");
        s.execute("TRUNCATE TABLE lc.trunc");
        s.execute("INSERT INTO lc.trunc VALUES (2, 2)");
        s.execute("RENAME TABLE lc.a TO lc.b, lc.c TO lc.d");
        s.execute("INSERT INTO lc.b VALUES (2, 2)");
        s.execute("INSERT INTO lc.d VALUES (2, 2)");
        s.execute("ALTER TABLE lc.pt EXCHANGE PARTITION p1 WITH TABLE lc.nt");
        s.execute("INSERT INTO lc.pt VALUES (16, 16)");
        s.execute("INSERT INTO lc.nt VALUES (12, 12)");
        s.execute("RENAME TABLE lc.leaving TO outside.leaving");
        s.execute("INSERT INTO outside.leaving VALUES (2, 2)");
        s.execute("INSERT INTO lc.fresh VALUES (2, 2)");
      } finally {
        writing.set(false);
        writer.join();
      }
      long end = api.tso();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(api.checkpoint("lc")).isGreaterThanOrEqualTo(end));
    }

    List<JsonNode> messages = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : stack.read("lc-sink", 0)) {
      JsonNode m = JSON.readTree(r.value());
      if (!m.path("type").asText().equals("TIDB_WATERMARK")) {
        messages.add(m);
      }
    }
    List<String> ddls = messages.stream().filter(m -> m.path("isDdl").asBoolean()).map(m -> m.path("sql").asText()).toList();
    assertThat(ddls).contains("DROP TABLE `lc`.`gone`", "TRUNCATE TABLE lc.trunc",
        "RENAME TABLE `lc`.`a` TO `lc`.`b`", "RENAME TABLE `lc`.`c` TO `lc`.`d`",
        "ALTER TABLE `lc`.`pt` EXCHANGE PARTITION `p1` WITH TABLE `lc`.`nt`",
        "RENAME TABLE lc.leaving TO outside.leaving");
    List<String> rows = new ArrayList<>();
    for (JsonNode m : messages) {
      if (m.path("isDdl").asBoolean()) {
        rows.add("DDL " + m.path("sql").asText());
      } else {
        for (JsonNode d : m.path("data")) {
          rows.add(m.path("table").asText() + " " + m.path("type").asText() + " " + d.path("id").asText());
        }
      }
    }
    // every row once, under the name its table had when it was written
    assertThat(rows.stream().filter(r -> r.startsWith("steady "))).hasSize(steady.get())
        .doesNotHaveDuplicates();
    assertThat(of(rows, "gone")).containsExactly("gone INSERT 1");
    assertThat(of(rows, "trunc")).containsExactly("trunc INSERT 1", "trunc INSERT 2");
    assertThat(of(rows, "a")).containsExactly("a INSERT 1");
    assertThat(of(rows, "b")).containsExactly("b INSERT 2");
    assertThat(of(rows, "c")).containsExactly("c INSERT 1");
    assertThat(of(rows, "d")).containsExactly("d INSERT 2");
    assertThat(of(rows, "pt")).containsExactly("pt INSERT 1", "pt INSERT 11", "pt INSERT 16");
    assertThat(of(rows, "nt")).containsExactly("nt INSERT 15", "nt INSERT 12");
    assertThat(of(rows, "fresh")).containsExactly("fresh INSERT 1", "fresh INSERT 2");
    assertThat(of(rows, "leaving")).containsExactly("leaving INSERT 1");
    // nothing of a table follows the DDL that took it away; rows after a DDL come after it
    assertThat(rows.indexOf("gone INSERT 1")).isLessThan(rows.indexOf("DDL DROP TABLE `lc`.`gone`"));
    assertThat(rows.indexOf("leaving INSERT 1")).isLessThan(rows.indexOf("DDL RENAME TABLE lc.leaving TO outside.leaving"));
    assertThat(rows.indexOf("DDL RENAME TABLE `lc`.`a` TO `lc`.`b`")).isLessThan(rows.indexOf("b INSERT 2"));
    assertThat(rows.indexOf("DDL ALTER TABLE `lc`.`pt` EXCHANGE PARTITION `p1` WITH TABLE `lc`.`nt`"))
        .isLessThan(rows.indexOf("pt INSERT 16")).isLessThan(rows.indexOf("nt INSERT 12"));
  }

  private static List<String> of(List<String> rows, String table) {
    return rows.stream().filter(r -> r.startsWith(table + " ")).toList();
  }
}
