package io.kcdc.connector.tikv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kcdc.kvproto.Metapb;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cache answers from what it holds (no PD here): overlapping regions are replaced, ids found at once. */
class RegionCacheTest {
  private final RegionCache cache = new RegionCache(null);

  private static RegionInfo region(long id, String start, String end, long leaderStore) {
    Metapb.Region meta = Metapb.Region.newBuilder().setId(id)
        .setStartKey(ByteString.copyFrom(start, StandardCharsets.US_ASCII))
        .setEndKey(ByteString.copyFrom(end, StandardCharsets.US_ASCII))
        .addPeers(Metapb.Peer.newBuilder().setId(id * 10 + 1).setStoreId(1))
        .addPeers(Metapb.Peer.newBuilder().setId(id * 10 + 2).setStoreId(2))
        .build();
    return new RegionInfo(meta, meta.getPeers((int) leaderStore - 1));
  }

  private static byte[] key(String k) {
    return k.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aSplitReplacesTheRegionItCameFromAndAMergeTheRegionsItCovers() {
    for (int i = 0; i < 1000; i++) {
      cache.put(region(100 + i, String.format("k%04d", i), String.format("k%04d", i + 1), 1));
    }
    cache.put(region(1, "", "k0000", 1));
    cache.put(region(2, "k1000", "", 1));
    assertThat(cache.locate(key("k0500x")).id()).isEqualTo(600);
    assertThat(cache.locate(key("a")).id()).isEqualTo(1);
    assertThat(cache.locate(key("z")).id()).isEqualTo(2);

    // region 600 splits: its left part keeps the id, the right part is new
    cache.put(region(600, "k0500", "k0500m", 1));
    cache.put(region(5000, "k0500m", "k0501", 1));
    assertThat(cache.locate(key("k0500x")).id()).isEqualTo(5000);
    assertThat(cache.locate(key("k0500a")).id()).isEqualTo(600);

    // a merge of 10 regions into one covering k0200..k0210, and one reaching past the last start
    cache.put(region(300, "k0200", "k0210", 1));
    for (int i = 201; i < 210; i++) {
      assertThat(cache.cached(100 + i)).isNull();
    }
    assertThat(cache.locate(key("k0209z")).id()).isEqualTo(300);
    assertThat(cache.cached(310).span().start()).isEqualTo(key("k0210"));
    cache.put(region(1099, "k0999", "", 1));
    assertThat(cache.cached(2)).isNull();
    assertThat(cache.locate(key("zz")).id()).isEqualTo(1099);
    assertThat(cache.cached(1098)).isNotNull();
  }

  @Test
  void leadersAndInvalidationFindTheRegionById() {
    cache.put(region(7, "a", "b", 1));
    cache.put(region(8, "b", "c", 1));
    cache.updateLeader(7, Metapb.Peer.newBuilder().setId(72).setStoreId(2).build());
    assertThat(cache.locate(key("a1")).leader().getStoreId()).isEqualTo(2);
    assertThat(cache.cached(7).leader().getStoreId()).isEqualTo(2);
    cache.updateLeader(8, Metapb.Peer.newBuilder().setId(99).setStoreId(9).build()); // not a member: forgotten
    assertThat(cache.cached(8)).isNull();
    cache.invalidate(7);
    assertThat(cache.cached(7)).isNull();
    cache.put(region(7, "a", "b", 1));
    assertThat(cache.locate(key("a")).id()).isEqualTo(7);
  }
}
