package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.testkit.Kafka;
import io.kcdc.testkit.PartitionReader;
import io.kcdc.upstream.EmbeddedUpstream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole product on real parts: SQL on the embedded upstream -> connector in a Connect worker
 * -> Streams (RocksDB sorter) -> canal-json in Kafka, driven through the v2 API with the capture
 * registered in etcd. A consumer applies the canal-json events and must reproduce the upstream.
 */
class EndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SINK_TOPIC = "e2e-sink";

  private static TestStack stack;
  private static Kafka kafka;
  private static EmbeddedUpstream upstream;

  @BeforeAll
  static void startEverything() throws Exception {
    stack = TestStack.start("e2e", 1, 4, 2);
    kafka = stack.kafka;
    upstream = stack.upstream;
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void twentyTransactionsOnTwoTablesAreReproducedFromCanalJson() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "")) {
      try (Statement s = db.createStatement()) {
        s.execute("CREATE DATABASE e2e");
        s.execute("CREATE TABLE e2e.accounts (id BIGINT PRIMARY KEY, owner VARCHAR(64) NOT NULL,"
            + " balance DECIMAL(12,2), opened DATETIME, score DOUBLE, flags INT UNSIGNED, note TEXT)");
        s.execute("CREATE TABLE e2e.orders (order_no VARCHAR(32) PRIMARY KEY, account_id BIGINT,"
            + " qty INT NOT NULL, price DECIMAL(10,2), memo VARCHAR(255))");
      }
      // Rows committed after start_ts but before the changefeed exists come from TiKV's initial scan.
      long startTs = tso();
      Workload work = new Workload(new Random(20261122));
      db.setAutoCommit(false);
      for (int txn = 0; txn < 2; txn++) {
        work.runTransaction(db, 50);
      }
      JsonNode created = post("/api/v2/changefeeds", """
          {"changefeed_id":"e2e","start_ts":%d,
           "sink_uri":"kafka://%s/%s?protocol=canal-json&enable-tidb-extension=true&partition-num=3",
           "replica_config":{"filter":{"rules":["e2e.*"]}}}""".formatted(startTs, kafka.bootstrapServers(), SINK_TOPIC));
      assertThat(created.path("id").asText()).isEqualTo("e2e");
      assertThat(created.path("state").asText()).isEqualTo("normal");
      for (int txn = 2; txn < 20; txn++) {
        work.runTransaction(db, 50);
      }
      assertThat(work.changes).isEqualTo(1000);
      long endTs = tso();

      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        JsonNode cf = get("/api/v2/changefeeds/e2e");
        assertThat(cf.path("state").asText()).isEqualTo("normal");
        assertThat(Long.parseUnsignedLong(cf.path("checkpoint_ts").asText())).isGreaterThanOrEqualTo(endTs);
      });

      SinkReplica replica = SinkReplica.consume(kafka.bootstrapServers(), SINK_TOPIC, 3, endTs);
      assertThat(replica.rowChanges).isEqualTo(1000);
      assertThat(replica.orderViolations).isEmpty();
      assertThat(replica.rowsAfterWatermark).isEmpty();
      assertThat(replica.tables.get("e2e.accounts")).isEqualTo(select(db, "e2e.accounts", "id"));
      assertThat(replica.tables.get("e2e.orders")).isEqualTo(select(db, "e2e.orders", "order_no"));
    }
  }

  @Test
  void ddlsAreWrittenBetweenTheRowsTheySeparate() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE ddl1");
      s.execute("CREATE TABLE ddl1.t (id INT PRIMARY KEY, v VARCHAR(10))");
      long startTs = tso();
      post("/api/v2/changefeeds", """
          {"changefeed_id":"ddl","start_ts":%d,
           "sink_uri":"kafka://%s/e2e-ddl?protocol=canal-json&enable-tidb-extension=true&partition-num=1",
           "replica_config":{"filter":{"rules":["ddl1.*"]}}}""".formatted(startTs, kafka.bootstrapServers()));
      s.execute("INSERT INTO ddl1.t VALUES (1, 'a'), (2, 'b')");
      s.execute("ALTER TABLE ddl1.t ADD COLUMN w INT DEFAULT 7");
      s.execute("INSERT INTO ddl1.t VALUES (3, 'c', 3)");
      s.execute("UPDATE ddl1.t SET v = 'z' WHERE id = 1");
      s.execute("CREATE TABLE ddl1.u (id INT PRIMARY KEY)");
      s.execute("INSERT INTO ddl1.u VALUES (1)");
      s.execute("CREATE DATABASE ddl2"); // not matched by the filter
      s.execute("TRUNCATE TABLE ddl1.t");
      s.execute("INSERT INTO ddl1.t VALUES (9, 'n', 9)");
      s.execute("DROP TABLE ddl1.u");
      long endTs = tso();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        JsonNode cf = get("/api/v2/changefeeds/ddl");
        assertThat(cf.path("state").asText()).isEqualTo("normal");
        assertThat(Long.parseUnsignedLong(cf.path("checkpoint_ts").asText())).isGreaterThanOrEqualTo(endTs);
      });

      // One partition: rows and DDLs in the order a consumer sees them.
      List<JsonNode> messages = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> rec : stack.read("e2e-ddl", 0)) {
        JsonNode m = json(rec.value());
        if (!m.path("type").asText().equals("TIDB_WATERMARK")) {
          messages.add(m);
        }
      }
      List<JsonNode> ddls = messages.stream().filter(m -> m.path("isDdl").asBoolean()).toList();
      assertThat(ddls).extracting(m -> m.path("type").asText()).containsExactly("ALTER", "CREATE", "TRUNCATE", "ERASE");
      assertThat(ddls.get(0).path("sql").asText()).contains("ADD COLUMN w");
      assertThat(ddls.get(3).path("sql").asText()).isEqualTo("DROP TABLE `ddl1`.`u`");
      assertThat(ddls).allSatisfy(d -> assertThat(d.path("database").asText()).isEqualTo("ddl1"));
      // Every row before a DDL committed before it, every row after it committed after it.
      for (int i = 0; i < messages.size(); i++) {
        long ts = messages.get(i).path("_tidb").path("commitTs").asLong();
        for (int j = 0; j < messages.size(); j++) {
          long other = messages.get(j).path("_tidb").path("commitTs").asLong();
          if (messages.get(i).path("isDdl").asBoolean() && j != i) {
            assertThat(j < i ? other < ts : other > ts).as("message %d (%s) vs DDL %d", j, messages.get(j), i).isTrue();
          }
        }
      }
      List<String> rows = messages.stream().filter(m -> !m.path("isDdl").asBoolean())
          .map(m -> m.path("table").asText() + " " + m.path("type").asText() + " " + m.path("data").get(0)).toList();
      assertThat(rows).containsExactly(
          "t INSERT {\"id\":\"1\",\"v\":\"a\"}",
          "t INSERT {\"id\":\"2\",\"v\":\"b\"}",
          "t INSERT {\"id\":\"3\",\"v\":\"c\",\"w\":\"3\"}",
          "t UPDATE {\"id\":\"1\",\"v\":\"z\",\"w\":\"7\"}",
          "u INSERT {\"id\":\"1\"}",
          "t INSERT {\"id\":\"9\",\"v\":\"n\",\"w\":\"9\"}");
    }
  }

  @Test
  void openProtocolDdlsReachEveryPartitionAfterTheRowsBeforeThem() throws Exception {
    try (Connection db = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE op");
      s.execute("CREATE TABLE op.t (id INT PRIMARY KEY, v INT)");
      long startTs = tso();
      post("/api/v2/changefeeds", """
          {"changefeed_id":"op","start_ts":%d,
           "sink_uri":"kafka://%s/e2e-op?protocol=open-protocol&partition-num=3",
           "replica_config":{"filter":{"rules":["op.*"]},
             "sink":{"dispatchers":[{"matcher":["op.*"],"partition":"index-value"}]}}}""".formatted(
          startTs, kafka.bootstrapServers()));
      for (int i = 0; i < 30; i++) {
        s.execute("INSERT INTO op.t VALUES (" + i + ", " + i + ")");
      }
      s.execute("ALTER TABLE op.t ADD COLUMN w INT");
      for (int i = 30; i < 60; i++) {
        s.execute("INSERT INTO op.t VALUES (" + i + ", " + i + ", " + i + ")");
      }
      long endTs = tso();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(Long.parseUnsignedLong(get("/api/v2/changefeeds/op").path("checkpoint_ts").asText()))
              .isGreaterThanOrEqualTo(endTs));

      int rows = 0;
      for (int partition = 0; partition < 3; partition++) {
        List<long[]> events = new ArrayList<>(); // {type, ts}
        for (ConsumerRecord<byte[], byte[]> rec : stack.read("e2e-op", partition)) {
          for (JsonNode key : openProtocolKeys(rec.key())) {
            events.add(new long[] {key.path("t").asLong(), key.path("ts").asLong()});
          }
        }
        List<long[]> ddls = events.stream().filter(e -> e[0] == 2).toList();
        assertThat(ddls).as("partition %d holds the DDL once", partition).hasSize(1);
        long ddlTs = ddls.get(0)[1];
        int at = events.indexOf(ddls.get(0));
        for (int i = 0; i < events.size(); i++) {
          if (events.get(i)[0] == 1) {
            rows++;
            assertThat(i < at ? events.get(i)[1] < ddlTs : events.get(i)[1] > ddlTs)
                .as("partition %d row %d vs the DDL", partition, i).isTrue();
          }
        }
      }
      assertThat(rows).isEqualTo(60);
    }
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The keys of an open-protocol batch: version (8 bytes), then per event a length (8 bytes) and JSON. */
  private static List<JsonNode> openProtocolKeys(byte[] key) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(key);
    assertThat(b.getLong()).isEqualTo(1);
    List<JsonNode> out = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] json = new byte[(int) b.getLong()];
      b.get(json);
      out.add(json(json));
    }
    return out;
  }

  /**
   * Inserts, updates and deletes over both tables; keeps the live keys to pick valid targets.
   * A key is touched at most once per transaction, so every statement row is one committed row
   * change (TiDB folds several writes of a key in one transaction into one).
   */
  private static final class Workload {
    final Random rnd;
    final List<Long> accounts = new ArrayList<>();
    final List<String> orders = new ArrayList<>();
    long nextAccount = 1;
    long nextOrder = 1;
    int changes;

    Workload(Random rnd) {
      this.rnd = rnd;
    }

    void runTransaction(Connection db, int size) throws Exception {
      int done = 0;
      List<Long> settledAccounts = new ArrayList<>(accounts);
      List<String> settledOrders = new ArrayList<>(orders);
      try (Statement s = db.createStatement()) {
        while (done < size) {
          int left = size - done;
          int pick = rnd.nextInt(10);
          if (pick < 3 && left >= 5) {
            // a multi-row insert of 5 accounts
            StringBuilder sql = new StringBuilder("INSERT INTO e2e.accounts VALUES ");
            for (int i = 0; i < 5; i++) {
              long id = nextAccount++;
              accounts.add(id);
              sql.append(i == 0 ? "" : ",").append(String.format(
                  "(%d,'owner-%d',%d.%02d,'2024-0%d-1%d 1%d:2%d:3%d',%d.25,%d,%s)", id, id, rnd.nextInt(100000),
                  rnd.nextInt(100), 1 + rnd.nextInt(9), rnd.nextInt(10), rnd.nextInt(10), rnd.nextInt(10),
                  rnd.nextInt(10), rnd.nextInt(1000), 3_000_000_000L + rnd.nextInt(1000),
                  rnd.nextBoolean() ? "NULL" : "'note " + id + "'"));
            }
            s.executeUpdate(sql.toString());
            done += 5;
          } else if (pick < 5) {
            String no = "ORD-" + nextOrder++;
            orders.add(no);
            s.executeUpdate(String.format("INSERT INTO e2e.orders (order_no, account_id, qty, price, memo) VALUES"
                + " ('%s', %d, %d, %d.%02d, %s)", no, 1 + rnd.nextInt(50), 1 + rnd.nextInt(9),
                rnd.nextInt(500), rnd.nextInt(100), rnd.nextBoolean() ? "NULL" : "'memo " + no + "'"));
            done += 1;
          } else if (pick < 7 && !settledAccounts.isEmpty()) {
            long id = settledAccounts.remove(rnd.nextInt(settledAccounts.size()));
            assertThat(s.executeUpdate(String.format(
                "UPDATE e2e.accounts SET balance = balance + 1, score = %d.5, note = 'updated %d' WHERE id = %d",
                rnd.nextInt(100), id, id))).isEqualTo(1);
            done += 1;
          } else if (pick < 8 && !settledOrders.isEmpty()) {
            String no = settledOrders.remove(rnd.nextInt(settledOrders.size()));
            assertThat(s.executeUpdate("UPDATE e2e.orders SET qty = qty + 1 WHERE order_no = '" + no + "'")).isEqualTo(1);
            done += 1;
          } else if (pick < 9 && settledAccounts.size() > 5) {
            long id = settledAccounts.remove(rnd.nextInt(settledAccounts.size()));
            accounts.remove(Long.valueOf(id));
            assertThat(s.executeUpdate("DELETE FROM e2e.accounts WHERE id = " + id)).isEqualTo(1);
            done += 1;
          } else if (settledOrders.size() > 3) {
            String no = settledOrders.remove(rnd.nextInt(settledOrders.size()));
            orders.remove(no);
            assertThat(s.executeUpdate("DELETE FROM e2e.orders WHERE order_no = '" + no + "'")).isEqualTo(1);
            done += 1;
          }
        }
      }
      db.commit();
      changes += done;
    }
  }

  /** The sink topic applied to in-memory tables, with the checks made on the way. */
  private static final class SinkReplica {
    final Map<String, Map<String, Map<String, String>>> tables = new HashMap<>();
    final Map<String, Long> lastCommitTsByKey = new HashMap<>();
    final List<String> orderViolations = new ArrayList<>();
    final List<String> rowsAfterWatermark = new ArrayList<>();
    int rowChanges;

    static SinkReplica consume(String bootstrap, String topic, int partitions, long endTs) throws Exception {
      SinkReplica r = new SinkReplica();
      Map<Integer, Long> watermark = new HashMap<>();
      int[] all = IntStream.range(0, partitions).toArray();
      try (PartitionReader c = PartitionReader.open(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000), topic, all)) {
        long deadline = System.currentTimeMillis() + 120_000;
        // Every partition ends with a watermark >= endTs once all rows <= endTs are in it.
        while (watermark.size() < partitions || watermark.values().stream().anyMatch(w -> w < endTs)) {
          assertThat(System.currentTimeMillis()).as("watermarks >= endTs in every partition").isLessThan(deadline);
          for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(500))) {
            r.apply(rec.partition(), JSON.readTree(rec.value()), watermark);
          }
        }
      }
      return r;
    }

    void apply(int partition, JsonNode msg, Map<Integer, Long> watermark) {
      String type = msg.path("type").asText();
      if (type.equals("TIDB_WATERMARK")) {
        long ts = msg.path("_tidb").path("watermarkTs").asLong();
        watermark.merge(partition, ts, Math::max);
        return;
      }
      long commitTs = msg.path("_tidb").path("commitTs").asLong();
      Long wm = watermark.get(partition);
      if (wm != null && commitTs <= wm) {
        rowsAfterWatermark.add("p" + partition + " row at " + commitTs + " after watermark " + wm);
      }
      String table = msg.path("database").asText() + "." + msg.path("table").asText();
      Map<String, Map<String, String>> rows = tables.computeIfAbsent(table, t -> new TreeMap<>());
      JsonNode data = msg.path("data").get(0);
      String key = table + "/" + keyOf(msg, data);
      Long last = lastCommitTsByKey.put(key, commitTs);
      if (last != null && last > commitTs) {
        orderViolations.add(key + ": " + commitTs + " after " + last);
      }
      rowChanges++;
      switch (type) {
        case "INSERT", "UPDATE" -> rows.put(keyOf(msg, data), normalize(data));
        case "DELETE" -> rows.remove(keyOf(msg, data));
        default -> throw new AssertionError("unexpected canal-json type " + type + ": " + msg);
      }
    }

    private static String keyOf(JsonNode msg, JsonNode data) {
      StringBuilder k = new StringBuilder();
      for (JsonNode pk : msg.path("pkNames")) {
        k.append(data.path(pk.asText()).asText()).append('|');
      }
      return k.toString();
    }

    private static Map<String, String> normalize(JsonNode data) {
      Map<String, String> row = new TreeMap<>();
      data.fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue().isNull() ? null : canonical(e.getValue().asText())));
      return row;
    }
  }

  /** Rows as the consumer sees them: key (pk values + "|") -> column -> canonical text. */
  private static Map<String, Map<String, String>> select(Connection db, String table, String pk) throws Exception {
    Map<String, Map<String, String>> rows = new TreeMap<>();
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, String> row = new TreeMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          String v = rs.getString(i);
          row.put(md.getColumnLabel(i), v == null ? null : canonical(v));
        }
        rows.put(rs.getString(pk) + "|", row);
      }
    }
    db.commit();
    return rows;
  }

  /** Text that compares equal however a number or a datetime was spelled. */
  private static String canonical(String v) {
    if (v.matches("-?\\d+(\\.\\d+)?")) {
      return new BigDecimal(v).stripTrailingZeros().toPlainString();
    }
    if (v.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.0+")) {
      return v.substring(0, 19);
    }
    return v;
  }

  private static long tso() throws Exception {
    return stack.api().tso();
  }

  private static JsonNode get(String path) throws Exception {
    return stack.api().get(path);
  }

  private static JsonNode post(String path, String body) throws Exception {
    return stack.api().post(path, body);
  }
}
