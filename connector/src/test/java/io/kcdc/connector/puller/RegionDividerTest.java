package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kcdc.connector.tikv.RegionInfo;
import io.kcdc.kvproto.Metapb;
import io.kcdc.tidb.KeySpan;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionDividerTest {
  private static byte[] k(int b) {
    return b < 0 ? new byte[0] : new byte[] {(byte) b};
  }

  private static RegionInfo region(long id, int start, int end, boolean leader) {
    Metapb.Region meta = Metapb.Region.newBuilder().setId(id)
        .setStartKey(ByteString.copyFrom(k(start))).setEndKey(ByteString.copyFrom(k(end))).build();
    return new RegionInfo(meta, leader ? Metapb.Peer.newBuilder().setId(id * 10).setStoreId(1).build() : null);
  }

  @Test
  void spanCutAtRegionBoundaries() {
    var d = RegionDivider.divide(new KeySpan(k(10), k(90)),
        List.of(region(2, 50, -1, true), region(1, -1, 50, true)));
    assertThat(d.gaps()).isEmpty();
    assertThat(d.covered()).extracting(RegionDivider.RegionSpan::span)
        .containsExactly(new KeySpan(k(10), k(50)), new KeySpan(k(50), k(90)));
    assertThat(d.covered()).extracting(p -> p.region().id()).containsExactly(1L, 2L);
  }

  @Test
  void oneRegionCoveringEverything() {
    var d = RegionDivider.divide(new KeySpan(k(10), k(90)), List.of(region(1, -1, -1, true)));
    assertThat(d.covered()).singleElement().satisfies(p -> assertThat(p.span()).isEqualTo(new KeySpan(k(10), k(90))));
    assertThat(d.gaps()).isEmpty();
  }

  @Test
  void gapsAndRegionsWithoutLeaderAreReported() {
    var d = RegionDivider.divide(new KeySpan(k(10), k(90)),
        List.of(region(1, 0, 30, true), region(2, 30, 60, false), region(3, 70, 80, true)));
    assertThat(d.covered()).extracting(p -> p.region().id()).containsExactly(1L, 3L);
    assertThat(d.gaps()).containsExactly(new KeySpan(k(30), k(70)), new KeySpan(k(80), k(90)));
  }

  @Test
  void noRegionsIsOneGap() {
    var d = RegionDivider.divide(new KeySpan(k(10), k(90)), List.of());
    assertThat(d.covered()).isEmpty();
    assertThat(d.gaps()).containsExactly(new KeySpan(k(10), k(90)));
  }
}
