package io.kcdc.upstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kcdc.testkit.ChildProcess;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.Snapshot;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs Debian's {@code sysbench} (a child process) against the MySQL front: prepare (CREATE
 * TABLE with AUTO_INCREMENT, bulk INSERT, CREATE INDEX), run (point and range SELECTs, SUM,
 * ORDER BY, DISTINCT, UPDATE k=k+1, DELETE, INSERT in BEGIN/COMMIT) with four threads in
 * TiDB's default pessimistic transactions, and cleanup. Every SQL error fails the run.
 *
 * <p>Keys are drawn uniformly from 10,000 rows per table: sysbench's default "special"
 * distribution over few rows makes transactions lock hot rows in opposite orders, real deadlocks
 * that TiDB (and InnoDB) report as error 1213 too and that sysbench ignores by default.
 */
class SysbenchIT {
  private static final Pattern TRANSACTIONS = Pattern.compile("transactions:\\s+(\\d+)");
  private static final int TABLE_SIZE = 10_000;
  private static EmbeddedUpstream upstream;

  @BeforeAll
  static void start() {
    upstream = EmbeddedUpstream.builder().stores(1).start();
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"oltp_insert", "oltp_write_only", "oltp_read_write"})
  void prepareRunCleanup(String workload) throws Exception {
    String sysbench = findOnPath("sysbench");
    sysbench(sysbench, workload, "prepare");
    try (Connection c = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement st = c.createStatement()) {
      for (String table : List.of("sbtest1", "sbtest2")) {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*), MIN(id), MAX(id) FROM test." + table)) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(TABLE_SIZE);
          assertThat(rs.getLong(2)).isEqualTo(1);
          assertThat(rs.getLong(3)).isEqualTo(TABLE_SIZE);
        }
      }
    }
    TableInfo prepared = table("sbtest1");
    assertThat(prepared.indices()).extracting(ix -> ix.name().o()).containsExactly("k_1");
    assertThat(prepared.pkIsHandle()).isTrue();

    String out = sysbench(sysbench, workload, "run", "--time=10", "--threads=4", "--rand-type=uniform",
        "--mysql-ignore-errors=none");
    Matcher m = TRANSACTIONS.matcher(out);
    assertThat(m.find()).as("sysbench output:%n%s", out).isTrue();
    assertThat(Long.parseLong(m.group(1))).isPositive();
    assertThat(out).contains("ignored errors:                      0");

    sysbench(sysbench, workload, "cleanup");
    assertThat(tableNames()).doesNotContain("sbtest1", "sbtest2");
  }

  private static TableInfo table(String name) {
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    DBInfo db = Catalog.database(snap, "test").orElseThrow();
    return Catalog.table(snap, db.id(), name).orElseThrow();
  }

  private static List<String> tableNames() {
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    DBInfo db = Catalog.database(snap, "test").orElseThrow();
    return Catalog.tables(snap, db.id()).stream().map(t -> t.name().o()).toList();
  }

  private static String sysbench(String binary, String workload, String command, String... extra)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary, workload, "--db-driver=mysql",
        "--mysql-host=127.0.0.1", "--mysql-port=" + upstream.mysqlPort(), "--mysql-user=root",
        "--mysql-db=test", "--db-ps-mode=disable", "--tables=2", "--table-size=" + TABLE_SIZE));
    cmd.addAll(List.of(extra));
    cmd.add(command);
    Path log = Files.createTempFile("sysbench", ".log");
    try {
      ChildProcess p = ChildProcess.start("sysbench", cmd, log, null);
      if (!p.waitFor(Duration.ofSeconds(120))) {
        p.kill();
        fail("sysbench " + workload + " " + command + " did not finish in 120 s");
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("sysbench %s %s:%n%s", workload, command, out).isZero();
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String findOnPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, name);
      if (f.isFile() && f.canExecute()) {
        return f.getPath();
      }
    }
    return fail("'" + name + "' is not on PATH: install it (Debian: apt-get install -y sysbench); "
        + "this test runs its oltp workloads against the MySQL front");
  }
}
