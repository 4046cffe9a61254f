package io.kcdc.connector.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.schema.ActionType;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.DdlJob;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.sql.SqlEngine;
import io.kcdc.upstream.sql.SqlSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The DDL puller reads the jobs SQL DDLs leave in {@code mysql.tidb_ddl_job}, and replaying them
 * in the schema storage gives, at every job's finished ts and just before it, exactly the schema
 * TiDB's meta keys hold at that ts (read back with snapshot reads).
 */
class DdlReplayIT {

  @Test
  void replayedSnapshotsEqualTheMetaSnapshotsAtEveryDdl() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.builder().stores(2).resolvedTsInterval(Duration.ofMillis(100)).start();
        ChannelPool channels = new ChannelPool();
        PdClient pd = new PdClient(List.of(cluster.pdAddress()), channels, Backoff.DEFAULT)) {
      SqlSession sql = new SqlEngine(cluster.txnKv(), "v").bootstrap().open(1, "root");
      sql.execute("CREATE DATABASE d");
      sql.execute("CREATE TABLE d.a (id INT PRIMARY KEY, v VARCHAR(10))");
      long start = cluster.txnKv().currentTs();

      RegionCache regions = new RegionCache(pd);
      SchemaLoader loader = new SchemaLoader(new KvClient(regions, channels, Backoff.DEFAULT));
      SchemaSnapshot first = loader.load(start);
      SchemaStorage storage = new SchemaStorage(first);
      List<DdlJob> jobs = new ArrayList<>();
      try (DdlPuller puller = new DdlPuller(regions, channels, DdlJobRows.of(first), start, 100)) {
        sql.execute("ALTER TABLE d.a ADD COLUMN w INT");
        sql.execute("CREATE TABLE d.b (id BIGINT PRIMARY KEY, x INT)");
        sql.execute("INSERT INTO d.a VALUES (1, 'x', 2)");
        sql.execute("TRUNCATE TABLE d.a");
        sql.execute("RENAME TABLE d.b TO d.c");
        sql.execute("ALTER TABLE d.c ADD INDEX ix (x)");
        sql.execute("CREATE DATABASE e");
        sql.execute("CREATE TABLE e.t (id INT PRIMARY KEY)");
        sql.execute("DROP TABLE d.c");
        sql.execute("DROP DATABASE e");
        long end = cluster.txnKv().currentTs();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          DdlPuller.Batch b = puller.poll(100);
          jobs.addAll(b.jobs());
          return Long.compareUnsigned(b.resolvedTs(), end) >= 0;
        });
      }
      assertThat(jobs).extracting(DdlJob::type).containsExactly(ActionType.ADD_COLUMN, ActionType.CREATE_TABLE,
          ActionType.TRUNCATE_TABLE, ActionType.RENAME_TABLE, ActionType.ADD_INDEX, ActionType.CREATE_SCHEMA,
          ActionType.CREATE_TABLE, ActionType.DROP_TABLE, ActionType.DROP_SCHEMA);
      for (DdlJob job : jobs) {
        assertThat(storage.apply(job)).as("applies %s", job.query()).isNotNull();
      }
      for (DdlJob job : jobs) {
        long ts = job.binlog().finishedTs();
        assertThat(view(storage.snapshotAt(ts))).as("after %s", job.query()).isEqualTo(view(loader.load(ts)));
        assertThat(view(storage.snapshotAt(ts - 1))).as("before %s", job.query()).isEqualTo(view(loader.load(ts - 1)));
      }
      assertThat(storage.latest().table("d", "a").orElseThrow().columns()).extracting(c -> c.name().o())
          .containsExactly("id", "v", "w");
    }
  }

  /** Databases and tables by id, as comparable values. */
  private static Map<String, Object> view(SchemaSnapshot s) {
    Map<String, Object> out = new TreeMap<>();
    for (DBInfo db : s.databases()) {
      out.put("db " + db.id(), db);
    }
    for (TableInfo t : s.tables()) {
      out.put("table " + t.id() + " in " + s.databaseOf(t.id()).map(DBInfo::id).orElse(-1L), t);
    }
    return out;
  }
}
