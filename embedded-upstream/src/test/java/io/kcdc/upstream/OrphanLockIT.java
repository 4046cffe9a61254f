package io.kcdc.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.Tso;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.catalog.Catalog;
import io.kcdc.upstream.kv.MvccLock;
import io.kcdc.upstream.kv.MvccStore;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.TxnStatus;
import io.kcdc.upstream.sql.SqlSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orphan-lock fault: a TiDB that died between prewrite and commit leaves the row of an INSERT
 * locked under a primary that is another key of its transaction, with TiDB's 3 s TTL for small
 * transactions (client-go {@code txnkv/transaction/2pc.go}: {@code defaultLockTTL = 3000}), the
 * primary committed or not. Nothing resolves the lock by itself: it holds the region's resolved ts.
 */
class OrphanLockIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedUpstream upstream;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    upstream = EmbeddedUpstream.builder().adminPort(0).resolvedTsInterval(Duration.ofMillis(200)).start();
    try (SqlSession s = upstream.openSession()) {
      s.execute("CREATE DATABASE orphan");
      s.execute("CREATE TABLE orphan.indexed (id BIGINT PRIMARY KEY, v VARCHAR(20) DEFAULT 'dflt', KEY iv (v))");
      s.execute("CREATE TABLE orphan.plain (id INT PRIMARY KEY, w INT)");
      s.execute("INSERT INTO orphan.plain VALUES (1, 1)");
    }
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  private static HttpResponse<String> post(String query) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + upstream.adminAddress() + "/faults/orphan-lock?" + query))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static TableInfo table(String name) {
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    return Catalog.table(snap, Catalog.database(snap, "orphan").orElseThrow().id(), name).orElseThrow();
  }

  private static long tableId(String name) {
    return table(name).id();
  }

  private static MvccStore store() {
    return upstream.cluster().store();
  }

  private static List<MvccLock> locksOf(long startTs) {
    return store().scanLocks(new io.kcdc.tidb.KeySpan(null, null), Long.MAX_VALUE, 100).stream()
        .filter(l -> l.startTs() == startTs).toList();
  }

  @Test
  void anUncommittedOrphanLocksTheRowAndItsIndexEntryUnderTheIndexEntry() throws Exception {
    long table = tableId("indexed");
    HttpResponse<String> r = post("db=orphan&table=indexed&handle=7&primary_committed=false");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    long startTs = body.get("start_ts").asLong();
    byte[] row = TableCodec.recordKey(table, 7);
    assertThat(body.get("row_key").asText()).isEqualTo(HexFormat.of().formatHex(row));
    assertThat(body.get("commit_ts").asLong()).isZero();
    byte[] primary = HexFormat.of().parseHex(body.get("primary_key").asText());
    assertThat(primary).startsWith(TableCodec.indexPrefix(table, table("indexed").indices().get(0).id()));

    List<MvccLock> locks = locksOf(startTs);
    assertThat(locks).hasSize(2).allSatisfy(l -> {
      assertThat(l.primary()).isEqualTo(primary);
      assertThat(l.ttlMillis()).isEqualTo(3_000);
      assertThat(l.pessimistic()).isFalse();
    });
    assertThat(locks).extracting(MvccLock::rawKey).anySatisfy(k -> assertThat(k).isEqualTo(row));
    // It holds back the resolved ts of the table's range, and stays alive until its TTL is over.
    var rowRange = new io.kcdc.tidb.KeySpan(Codec.encodeBytes(row), Codec.encodeBytes(TableCodec.recordKey(table, 8)));
    assertThat(store().minLockStartTs(rowRange)).isEqualTo(startTs);
    assertThat(store().checkTxnStatus(primary, startTs, 0, Tso.compose(Tso.physical(startTs) + 1_000, 0), false,
        false, true)).isInstanceOf(TxnStatus.Locked.class);
    Thread.sleep(500);
    assertThat(locksOf(startTs)).hasSize(2);
  }

  @Test
  void aCommittedPrimaryLeavesOnlyTheRowLocked() throws Exception {
    long table = tableId("indexed");
    JsonNode body = JSON.readTree(post("db=orphan&table=indexed&handle=8&primary_committed=true").body());
    long startTs = body.get("start_ts").asLong();
    long commitTs = body.get("commit_ts").asLong();
    assertThat(commitTs).isGreaterThan(startTs);
    assertThat(locksOf(startTs)).extracting(MvccLock::rawKey).containsExactly(TableCodec.recordKey(table, 8));
    byte[] primary = HexFormat.of().parseHex(body.get("primary_key").asText());
    assertThat(store().checkTxnStatus(primary, startTs, 0, upstream.txnKv().currentTs(), false, false, true))
        .isEqualTo(new TxnStatus.Committed(commitTs));
  }

  @Test
  void aTableWithoutIndexNeedsAnotherRowAsPrimary() throws Exception {
    HttpResponse<String> refused = post("db=orphan&table=plain&handle=5&primary_committed=false");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("primary_handle");

    long table = tableId("plain");
    var orphan = upstream.orphanLock("orphan", "plain", 6, 2, false);
    assertThat(orphan.primaryKey()).isEqualTo(TableCodec.recordKey(table, 2));
    assertThat(locksOf(orphan.startTs())).extracting(MvccLock::rawKey)
        .containsExactly(TableCodec.recordKey(table, 2), TableCodec.recordKey(table, 6));
  }

  @Test
  void badRequestsAreRefusedWithTheReason() throws Exception {
    assertThat(post("db=orphan&table=nope&handle=1&primary_committed=true").body()).contains("unknown table orphan.nope");
    assertThat(post("db=orphan&table=indexed&handle=1").body()).contains("missing parameter primary_committed");
    HttpResponse<String> duplicate = post("db=orphan&table=plain&handle=1&primary_handle=3&primary_committed=true");
    assertThat(duplicate.statusCode()).isEqualTo(400);
    assertThat(duplicate.body()).contains("Duplicate entry");
  }
}
