package io.kcdc.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.ColumnInfo;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.SchemaJson;
import io.kcdc.tidb.schema.TableInfo;
import io.kcdc.upstream.EmbeddedUpstream;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.StoreInfo;
import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.common.key.RowKey;
import org.tikv.common.meta.TiColumnInfo;
import org.tikv.common.meta.TiDBInfo;
import org.tikv.common.meta.TiPartitionDef;
import org.tikv.common.meta.TiPartitionInfo;
import org.tikv.common.meta.TiTableInfo;
import org.tikv.common.region.TiRegion;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.shade.io.grpc.ManagedChannel;
import org.tikv.shade.io.grpc.ManagedChannelBuilder;
import org.tikv.shade.io.grpc.health.v1.HealthCheckRequest;
import org.tikv.shade.io.grpc.health.v1.HealthCheckResponse;
import org.tikv.shade.io.grpc.health.v1.HealthGrpc;

/**
 * PingCAP's tikv-client-java 3.3.5 against the embedded upstream: its PD/TiKV clients speak to
 * our gRPC services, its catalog reads our meta keys, and its key and row codecs decode what the
 * SQL front wrote, for every column type the SQL front supports.
 */
class ClientJavaReadsUpstreamIT {
  private static EmbeddedUpstream upstream;
  private static TiSession session;

  @BeforeAll
  static void start() throws Exception {
    upstream = EmbeddedUpstream.builder().resolvedTsInterval(Duration.ofMillis(200)).start();
    try (Connection c = DriverManager.getConnection(upstream.jdbcUrl(), "root", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE fidelity");
      st.execute(AllTypes.CREATE_TABLE);
      for (AllTypes.Row row : AllTypes.ROWS) {
        st.executeUpdate(row.insertSql());
      }
      st.execute("CREATE TABLE fidelity.by_region (id BIGINT PRIMARY KEY, region INT, name VARCHAR(16)) "
          + "PARTITION BY LIST (region) (PARTITION north VALUES IN (1, 2), PARTITION south VALUES IN (3), "
          + "PARTITION rest VALUES IN (NULL, 4))");
      st.executeUpdate("INSERT INTO fidelity.by_region VALUES (1, 1, 'a'), (2, 3, 'b'), (3, 2, 'c'), "
          + "(4, NULL, 'd'), (5, 4, 'e')");
    }
    session = TiSession.create(TiConfiguration.createDefault(upstream.pdAddress()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (session != null) {
      session.close();
    }
    upstream.close();
  }

  @Test
  void catalogReadsOurDatabasesAndTables() {
    List<String> dbs = session.getCatalog().listDatabases().stream().map(TiDBInfo::getName).toList();
    assertThat(dbs).contains("fidelity", "mysql");

    TableInfo ours = ourTable("fidelity", "all_types");
    TiTableInfo theirs = session.getCatalog().getTable("fidelity", "all_types");
    assertThat(theirs).isNotNull();
    assertThat(theirs.getId()).isEqualTo(ours.id());
    assertThat(theirs.getName()).isEqualTo("all_types");
    assertThat(theirs.isPkHandle()).isEqualTo(ours.pkIsHandle()).isTrue();
    assertThat(theirs.getPKIsHandleColumn().getName()).isEqualTo("id");
    assertThat(theirs.getColumns()).hasSize(AllTypes.COLUMNS.size());
    for (int i = 0; i < ours.columns().size(); i++) {
      ColumnInfo o = ours.columns().get(i);
      TiColumnInfo t = theirs.getColumns().get(i);
      String where = "column " + o.name().o();
      assertThat(t.getName()).as(where).isEqualTo(AllTypes.COLUMNS.get(i)).isEqualTo(o.name().o());
      assertThat(t.getId()).as(where).isEqualTo(o.id());
      assertThat(t.getOffset()).as(where).isEqualTo(o.offset());
      assertThat(t.getType().getTypeCode()).as(where).isEqualTo(o.type().tp());
      assertThat(t.getType().getFlag()).as(where).isEqualTo(o.type().flag());
      assertThat(t.getType().getLength()).as(where).isEqualTo(o.type().flen());
      assertThat(t.getType().getDecimal()).as(where).isEqualTo(o.type().decimal());
      assertThat(t.getType().getCharset()).as(where).isEqualTo(o.type().charset());
    }
    assertThat(theirs.getIndices()).extracting(i -> i.getName()).containsExactly("uk_vc");
    assertThat(theirs.getIndices().get(0).isUnique()).isTrue();
  }

  @Test
  void rowsDecodedByTheClientEqualWhatWasInserted() {
    TiTableInfo table = session.getCatalog().getTable("fidelity", "all_types");
    org.tikv.common.Snapshot snapshot = session.createSnapshot();
    ByteString prefix = ByteString.copyFrom(TableCodec.recordPrefix(table.getId()));
    List<List<Object>> decoded = new ArrayList<>();
    Iterator<Kvrpcpb.KvPair> it = snapshot.scanPrefix(prefix);
    while (it.hasNext()) {
      Kvrpcpb.KvPair pair = it.next();
      RowKey key = RowKey.decode(pair.getKey().toByteArray());
      assertThat(key.getTableId()).isEqualTo(table.getId());
      Object[] values = org.tikv.common.codec.TableCodec.decodeObjects(
          pair.getValue().toByteArray(), key.getHandle(), table);
      decoded.add(ClientValues.render(values, table.getColumns()));
      // Point reads (KvGet, KvBatchGet) return the same value as the scan.
      assertThat(snapshot.get(pair.getKey())).isEqualTo(pair.getValue());
      assertThat(snapshot.batchGet(1000, List.of(pair.getKey().toByteArray())))
          .singleElement().satisfies(w -> assertThat(w.getValue()).isEqualTo(pair.getValue().toByteArray()));
    }
    assertThat(decoded).containsExactlyElementsOf(AllTypes.ROWS.stream().map(AllTypes.Row::expected).toList());
  }

  /**
   * The client's catalog knows LIST partitioning (type 3; it ignores {@code in_values}): each
   * partition's physical id leads to the rows the SQL front put there.
   */
  @Test
  void listPartitionedTableIsReadThroughItsPartitionIds() {
    TableInfo ours = ourTable("fidelity", "by_region");
    TiTableInfo theirs = session.getCatalog().getTable("fidelity", "by_region");
    assertThat(theirs.isPartitionEnabled()).isTrue();
    TiPartitionInfo partitions = theirs.getPartitionInfo();
    assertThat(partitions.getType()).isEqualTo(TiPartitionInfo.PartitionType.ListPartition);
    assertThat(partitions.getExpr()).isEqualTo("region");
    assertThat(partitions.getDefs()).extracting(TiPartitionDef::getName).containsExactly("north", "south", "rest");
    assertThat(partitions.getDefs()).extracting(TiPartitionDef::getId)
        .containsExactlyElementsOf(ours.partition().definitions().stream().map(d -> d.id()).toList());

    org.tikv.common.Snapshot snapshot = session.createSnapshot();
    List<List<String>> byPartition = new ArrayList<>();
    for (TiPartitionDef def : partitions.getDefs()) {
      List<String> rows = new ArrayList<>();
      Iterator<Kvrpcpb.KvPair> it = snapshot.scanPrefix(ByteString.copyFrom(TableCodec.recordPrefix(def.getId())));
      while (it.hasNext()) {
        Kvrpcpb.KvPair pair = it.next();
        RowKey key = RowKey.decode(pair.getKey().toByteArray());
        Object[] values = org.tikv.common.codec.TableCodec.decodeObjects(
            pair.getValue().toByteArray(), key.getHandle(), theirs);
        rows.add(ClientValues.render(values, theirs.getColumns()).toString());
      }
      byPartition.add(rows);
    }
    assertThat(byPartition).containsExactly(
        List.of("[1, 1, a]", "[3, 2, c]"), List.of("[2, 3, b]"), List.of("[4, null, d]", "[5, 4, e]"));
  }

  @Test
  void keyCodecAgreesOnOurRawAndRegionKeys() {
    long tableId = ourTable("fidelity", "all_types").id();
    for (long handle : new long[] {Long.MIN_VALUE, -1, 0, 1, 42, Long.MAX_VALUE}) {
      byte[] ourKey = TableCodec.recordKey(tableId, handle);
      assertThat(RowKey.toRowKey(tableId, handle).getBytes()).isEqualTo(ourKey);
      RowKey decoded = RowKey.decode(ourKey);
      assertThat(decoded.getTableId()).isEqualTo(tableId);
      assertThat(decoded.getHandle()).isEqualTo(handle);
    }
    // PD hands out memcomparable-encoded region boundaries; the client decodes them to raw keys.
    byte[] cut = TableCodec.recordKey(tableId, 1_000);
    upstream.cluster().split(Codec.encodeBytes(cut));
    session.getRegionManager().invalidateAll();
    TiRegion right = session.getRegionManager().getRegionByKey(ByteString.copyFrom(cut));
    Region ours = upstream.cluster().regions().regionOf(Codec.encodeBytes(cut));
    assertThat(right.getId()).isEqualTo(ours.id());
    assertThat(right.getStartKey().toByteArray()).isEqualTo(cut);
    assertThat(right.getLeader().getStoreId()).isEqualTo(ours.leader().storeId());
  }

  /**
   * TiKV serves grpc.health.v1.Health; the client's StoreHealthyChecker asks every store and
   * treats one that does not answer SERVING as unreachable.
   */
  @Test
  void storesAnswerGrpcHealthChecks() {
    for (StoreInfo store : upstream.cluster().stores()) {
      ManagedChannel channel = ManagedChannelBuilder.forTarget(store.address()).usePlaintext().build();
      try {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
        assertThat(response.getStatus()).as("health of store " + store.id())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static TableInfo ourTable(String db, String table) {
    Snapshot snap = upstream.txnKv().snapshot(upstream.txnKv().currentTs());
    byte[] dbs = MetaCodec.hashPrefix(MetaCodec.DBS);
    for (KvPair p : snap.scan(dbs, MetaCodec.prefixEnd(dbs), 1000)) {
      DBInfo info = SchemaJson.read(p.value(), DBInfo.class);
      if (!info.name().l().equals(db)) {
        continue;
      }
      byte[] tables = MetaCodec.hashPrefix(MetaCodec.dbKey(info.id()));
      for (KvPair t : snap.scan(tables, MetaCodec.prefixEnd(tables), 1000)) {
        if (MetaCodec.isTableField(MetaCodec.hashField(t.key()))) {
          TableInfo ti = SchemaJson.read(t.value(), TableInfo.class);
          if (ti.name().l().equals(table)) {
            return ti;
          }
        }
      }
    }
    throw new AssertionError("no table " + db + "." + table);
  }
}
