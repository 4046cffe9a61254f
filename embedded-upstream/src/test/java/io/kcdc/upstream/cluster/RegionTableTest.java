package io.kcdc.upstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegionTableTest {
  private final RegionTable table = new RegionTable(List.of(1L, 2L), new AtomicLong(2));

  @Test
  void startsWithOneRegionCoveringEverything() {
    Region r = table.all().get(0);
    assertThat(table.all()).hasSize(1);
    assertThat(r.span().start()).isEmpty();
    assertThat(r.span().end()).isEmpty();
    assertThat(r.peers()).extracting(Peer::storeId).containsExactly(1L, 2L);
    assertThat(r.id()).isEqualTo(3);
    assertThat(table.regionOf(Codec.encodeBytes("mDB".getBytes()))).isEqualTo(r);
  }

  @Test
  void splitBumpsVersionAndKeepsCoverGapFree() {
    List<List<Region>> seen = new ArrayList<>();
    table.addListener((old, now) -> seen.add(now));
    byte[] key = Codec.encodeBytes(TableCodec.recordKey(100, 50));
    List<Region> parts = table.split(key);
    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).id()).isEqualTo(3);
    assertThat(parts.get(0).span().end()).isEqualTo(key);
    assertThat(parts.get(1).span().start()).isEqualTo(key);
    assertThat(parts).allSatisfy(r -> assertThat(r.version()).isEqualTo(2));
    assertThat(parts.get(1).id()).isNotEqualTo(3);
    assertThat(seen).containsExactly(parts);
    assertThat(table.split(key)).containsExactly(parts.get(1));
    assertThat(table.byId(parts.get(1).id())).isEqualTo(parts.get(1));
  }

  @Test
  void scanReturnsOverlappingRegionsInOrderWithLimit() {
    byte[] a = Codec.encodeBytes("b".getBytes());
    byte[] b = Codec.encodeBytes("d".getBytes());
    table.split(a);
    table.split(b);
    byte[] c = Codec.encodeBytes("c".getBytes());
    assertThat(table.scan(c, new byte[0], 0)).extracting(r -> r.span().start()).containsExactly(a, b);
    assertThat(table.scan(new byte[0], c, 0)).hasSize(2);
    assertThat(table.scan(new byte[0], new byte[0], 2)).hasSize(2);
    assertThat(table.scan(b, new byte[0], 0)).hasSize(1);
  }
}
