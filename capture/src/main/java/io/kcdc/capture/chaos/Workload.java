package io.kcdc.capture.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A steady write load on the upstream through its MySQL protocol, recording every change it
 * committed: single-statement transactions (autocommit) of inserts, updates and deletes over a few
 * tables {@code (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, pad VARCHAR(64))}, where every change of a
 * key sets a new {@code seq}; and, every {@code ddlEvery}, a {@code CREATE TABLE} of a new table of the
 * same shape, which then takes writes too.
 */
public final class Workload implements AutoCloseable {
  /**
   * @param jdbcUrl e.g. {@code jdbc:mariadb://127.0.0.1:4000/}
   * @param database created if missing; the workload's tables live in it
   * @param tables tables created before the run
   * @param rowsPerSecond pace of row changes
   * @param ddlEvery how often a table is created during the run; zero for never
   */
  public record Settings(String jdbcUrl, String database, int tables, double rowsPerSecond, Duration ddlEvery,
      long seed) {}

  /** A DDL the workload committed: its table and when (wall clock) it returned. */
  public record CommittedDdl(String table, String query) {}

  private final Settings settings;
  private final Random random;
  private final List<RowChangeId> committed = Collections.synchronizedList(new ArrayList<>());
  private final List<CommittedDdl> ddls = Collections.synchronizedList(new ArrayList<>());
  private final List<String> tables = new ArrayList<>();
  /** Live keys per table with their current seq; keys ever used keep their last seq in {@link #lastSeq}. */
  private final Map<String, Map<Long, Long>> live = new HashMap<>();
  private final Map<String, Map<Long, Long>> lastSeq = new HashMap<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Connection db;
  private Thread thread;
  private volatile boolean stopping;
  private long nextId = 1;

  public Workload(Settings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  /** Creates the database and the first tables; call before the changefeed starts. */
  public void createSchema() throws SQLException {
    db = DriverManager.getConnection(settings.jdbcUrl(), "root", "");
    db.setAutoCommit(true);
    try (Statement s = db.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS " + settings.database());
      for (int i = 0; i < settings.tables(); i++) {
        String table = settings.database() + ".t" + i;
        s.execute(createTable(table));
        addTable(table);
      }
    }
  }

  private static String createTable(String table) {
    return "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, pad VARCHAR(64))";
  }

  private synchronized void addTable(String table) {
    tables.add(table);
    live.put(table, new HashMap<>());
    lastSeq.put(table, new HashMap<>());
  }

  /** Starts writing on a thread of its own. */
  public void start() {
    thread = new Thread(this::run, "chaos-workload");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long intervalNanos = (long) (1e9 / settings.rowsPerSecond());
    long next = System.nanoTime();
    long nextDdl = settings.ddlEvery().isZero() ? Long.MAX_VALUE : System.nanoTime() + settings.ddlEvery().toNanos();
    int ddlCount = 0;
    try (Statement s = db.createStatement()) {
      while (!stopping) {
        long now = System.nanoTime();
        if (now >= nextDdl) {
          String table = settings.database() + ".ddl" + ddlCount++;
          String query = createTable(table);
          s.execute(query);
          ddls.add(new CommittedDdl(table, query));
          addTable(table);
          nextDdl = now + settings.ddlEvery().toNanos();
        }
        if (now < next) {
          Thread.sleep(Math.max(0, (next - now) / 1_000_000), (int) Math.max(0, (next - now) % 1_000_000));
          continue;
        }
        writeOne(s);
        next += intervalNanos;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      failure.set(e);
    }
  }

  /** One change: an insert of a new key, or an update or delete of a live one. */
  private void writeOne(Statement s) throws SQLException {
    String table = tables.get(random.nextInt(tables.size()));
    Map<Long, Long> keys = live.get(table);
    int dice = random.nextInt(10);
    if (keys.size() < 20 || dice < 4) {
      long id = keys.isEmpty() || random.nextInt(4) > 0 ? nextId++ : reusableId(table);
      long seq = lastSeq.get(table).getOrDefault(id, 0L) + 1;
      s.executeUpdate("INSERT INTO " + table + " (id, seq, pad) VALUES (" + id + ", " + seq + ", 'p" + seq + "')");
      record(table, id, seq, "INSERT");
    } else {
      List<Long> ids = new ArrayList<>(keys.keySet());
      long id = ids.get(random.nextInt(ids.size()));
      if (dice < 9) {
        long seq = keys.get(id) + 1;
        s.executeUpdate("UPDATE " + table + " SET seq = " + seq + ", pad = 'u" + seq + "' WHERE id = " + id);
        record(table, id, seq, "UPDATE");
      } else {
        s.executeUpdate("DELETE FROM " + table + " WHERE id = " + id);
        committed.add(new RowChangeId(table, id, keys.remove(id), "DELETE"));
      }
    }
  }

  /** A key that was deleted earlier, if any, so re-inserts happen too. */
  private long reusableId(String table) {
    for (Map.Entry<Long, Long> e : lastSeq.get(table).entrySet()) {
      if (!live.get(table).containsKey(e.getKey())) {
        return e.getKey();
      }
    }
    return nextId++;
  }

  private void record(String table, long id, long seq, String type) {
    live.get(table).put(id, seq);
    lastSeq.get(table).put(id, seq);
    committed.add(new RowChangeId(table, id, seq, type));
  }

  /** Stops writing and waits for the writer; what it committed stays readable. */
  public void stop() throws InterruptedException {
    stopping = true;
    if (thread != null) {
      thread.join();
    }
  }

  /** The changes committed so far, in commit order. */
  public List<RowChangeId> committed() {
    synchronized (committed) {
      return List.copyOf(committed);
    }
  }

  /** The DDLs committed so far, in commit order. */
  public List<CommittedDdl> ddls() {
    synchronized (ddls) {
      return List.copyOf(ddls);
    }
  }

  /** The tables written, including those created during the run. */
  public synchronized List<String> tables() {
    return List.copyOf(tables);
  }

  /** What made the writer stop early, if anything did (an SQL error: the upstream refused a write). */
  public Throwable failure() {
    return failure.get();
  }

  /** The upstream's current rows of a table: id → seq. */
  public Map<Long, Long> select(String table) throws SQLException {
    Map<Long, Long> rows = new HashMap<>();
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), "root", "");
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT id, seq FROM " + table)) {
      while (rs.next()) {
        rows.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return rows;
  }

  @Override
  public void close() throws Exception {
    stop();
    if (db != null) {
      db.close();
    }
  }
}
