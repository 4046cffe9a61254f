package io.kcdc.upstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void mergeUnitesNeighboursUnderTheLeftIdWithAHigherVersion() {
    byte[] a = Codec.encodeBytes("b".getBytes());
    byte[] b = Codec.encodeBytes("d".getBytes());
    table.split(a);
    List<Region> parts = table.split(b);
    Region left = parts.get(0);
    Region right = parts.get(1);
    List<String> events = new ArrayList<>();
    table.addListener(new RegionListener() {
      @Override
      public void onRegionChanged(Region old, List<Region> now) {
        events.add("changed " + old.id() + " -> " + now.get(0).id());
      }

      @Override
      public void onRegionRemoved(Region old, Region target) {
        events.add("removed " + old.id() + " into " + target.id());
      }
    });
    Region merged = table.merge(left.id(), right.id());
    assertThat(merged.id()).isEqualTo(left.id());
    assertThat(merged.span().start()).isEqualTo(a);
    assertThat(merged.span().end()).isEmpty();
    assertThat(merged.version()).isEqualTo(Math.max(left.version(), right.version()) + 1);
    assertThat(table.byId(right.id())).isNull();
    assertThat(table.all()).hasSize(2);
    assertThat(table.regionOf(Codec.encodeBytes("e".getBytes()))).isEqualTo(merged);
    assertThat(events).containsExactly("removed " + right.id() + " into " + left.id(),
        "changed " + left.id() + " -> " + left.id());
    assertThatThrownBy(() -> table.merge(right.id(), left.id())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void transferLeaderKeepsTheEpoch() {
    Region r = table.all().get(0);
    long other = r.leader().storeId() == 1 ? 2 : 1;
    List<Region> seen = new ArrayList<>();
    table.addListener(new RegionListener() {
      @Override
      public void onRegionChanged(Region old, List<Region> now) {}

      @Override
      public void onLeaderChanged(Region old, Region now) {
        seen.add(now);
      }
    });
    Region now = table.transferLeader(r.id(), other);
    assertThat(now.leader().storeId()).isEqualTo(other);
    assertThat(now.version()).isEqualTo(r.version());
    assertThat(now.confVer()).isEqualTo(r.confVer());
    assertThat(table.byId(r.id())).isEqualTo(now);
    assertThat(seen).containsExactly(now);
    assertThatThrownBy(() -> table.transferLeader(r.id(), 9)).isInstanceOf(IllegalArgumentException.class);
  }
}
