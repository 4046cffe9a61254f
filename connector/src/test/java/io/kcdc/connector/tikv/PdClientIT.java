package io.kcdc.connector.tikv;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.Tso;
import io.kcdc.testkit.FreePorts;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PD and KV clients against the embedded PD and TiKV over gRPC. */
class PdClientIT {
  private static EmbeddedCluster cluster;
  private static ChannelPool channels;
  private static PdClient pd;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.builder().stores(2)
        .splitKeys(List.of(Codec.encodeBytes(TableCodec.recordKey(100, 10)))).start();
    channels = new ChannelPool();
    int deadPort = FreePorts.pick();
    // The first address does not answer: the client must move on to the next one.
    pd = new PdClient(List.of("127.0.0.1:" + deadPort, "http://" + cluster.pdAddress()), channels, Backoff.DEFAULT);
  }

  @AfterAll
  static void stop() {
    pd.close();
    channels.close();
    cluster.close();
  }

  @Test
  void clusterIdAndIncreasingTso() {
    assertThat(pd.clusterId()).isEqualTo(cluster.clusterId());
    long a = pd.currentTs();
    long b = pd.currentTs();
    assertThat(b).isGreaterThan(a);
    assertThat(Tso.toInstant(a)).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
  }

  /**
   * PD's logical part already ends in the allocator's suffix ({@code calibrateLogical} in tikv/pd
   * pkg/tso/tso.go); its client composes {@code physical << 18 | logical} without shifting
   * (client/tsoutil AddLogical shifts only counts). A PD with 2 suffix bits and suffix 1.
   */
  @Test
  void tsoWithSuffixBitsIsComposedWithoutShiftingTheLogicalPart() {
    try (EmbeddedCluster suffixed = EmbeddedCluster.builder().stores(1).tsoSuffix(2, 1).start();
        ChannelPool pool = new ChannelPool();
        PdClient client = new PdClient(List.of(suffixed.pdAddress()), pool, Backoff.DEFAULT)) {
      for (int i = 0; i < 5; i++) {
        long before = suffixed.tso().next();
        long ts = client.currentTs();
        long after = suffixed.tso().next();
        assertThat(ts).isGreaterThan(before).isLessThan(after);
        assertThat(Tso.logical(ts) & 0b11).isEqualTo(1);
      }
    }
  }

  @Test
  void regionsAndStores() {
    var span = TableCodec.tableSpan(100);
    List<RegionInfo> regions = pd.scanRegions(span.start(), span.end(), 10);
    assertThat(regions).hasSize(2).allSatisfy(r -> assertThat(r.hasLeader()).isTrue());
    byte[] key = Codec.encodeBytes(TableCodec.recordKey(100, 50));
    RegionInfo r = pd.getRegion(key);
    assertThat(r.span().contains(key)).isTrue();
    assertThat(pd.getRegionById(r.id()).id()).isEqualTo(r.id());
    assertThat(pd.getStore(r.leader().getStoreId()).getAddress()).startsWith("127.0.0.1:");
    assertThat(pd.getAllStores()).hasSize(2);
    RegionCache cache = new RegionCache(pd);
    assertThat(cache.locate(key).id()).isEqualTo(r.id());
    cache.invalidate(r.id());
    assertThat(cache.cached(r.id())).isNull();
    assertThat(cache.locate(key).id()).isEqualTo(r.id());
  }

  @Test
  void serviceGcSafePoint() {
    long ts = pd.currentTs();
    long min = pd.updateServiceGcSafePoint("ticdc-default-test", 3600, ts);
    assertThat(Long.compareUnsigned(min, ts)).isLessThanOrEqualTo(0);
    assertThat(Long.compareUnsigned(pd.getGcSafePoint(), ts)).isLessThanOrEqualTo(0);
  }

  @Test
  void snapshotReadsAcrossRegions() {
    var kv = cluster.txnKv();
    var txn = kv.begin();
    for (long h = 1; h <= 20; h++) {
      txn.put(TableCodec.recordKey(100, h), ("v" + h).getBytes());
    }
    long commit = txn.commit();
    KvClient client = new KvClient(new RegionCache(pd), channels, Backoff.DEFAULT);
    var span = TableCodec.tableSpan(100);
    List<KvClient.Pair> pairs = client.scan(TableCodec.recordPrefix(100), Codec.decodeBytes(span.end(), 0).value(), commit);
    assertThat(pairs).hasSize(20);
    assertThat(new String(pairs.get(19).value())).isEqualTo("v20");
    assertThat(client.scan(TableCodec.recordPrefix(100), Codec.decodeBytes(span.end(), 0).value(), commit - 1)).isEmpty();
    Optional<byte[]> v = client.get(TableCodec.recordKey(100, 15), commit);
    assertThat(v).hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("v15"));
    assertThat(client.get(TableCodec.recordKey(100, 99), commit)).isEmpty();
  }
}
