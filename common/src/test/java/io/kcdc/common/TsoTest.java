package io.kcdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TsoTest {
  @Test
  void composesAsPdDoes() {
    // docs/pd-tikv-rpc.md#tso: physical 1668067205238, logical 5.
    long ts = Tso.compose(1668067205238L, 5);
    assertThat(ts).isEqualTo(437273809449910277L);
    assertThat(Tso.physical(ts)).isEqualTo(1668067205238L);
    assertThat(Tso.logical(ts)).isEqualTo(5);
  }

  @Test
  void physicalOfUnsignedTsDoesNotGoNegative() {
    assertThat(Tso.physical(-1L)).isEqualTo((1L << 46) - 1);
  }

  @Test
  void ordersAsUnsigned() {
    long maxUint64 = -1L; // TiCDC's "no bound" (e.g. the safepoint of RemoveServiceGCSafepoint)
    long ts = Tso.compose(1668067205238L, 5);
    assertThat(Tso.before(ts, maxUint64)).isTrue();
    assertThat(Tso.after(maxUint64, ts)).isTrue();
    assertThat(Tso.before(ts, ts)).isFalse();
    assertThat(Tso.after(ts, ts)).isFalse();
    assertThat(Tso.min(maxUint64, ts)).isEqualTo(ts);
    assertThat(Tso.max(ts, maxUint64)).isEqualTo(maxUint64);
    assertThat(Tso.compare(Long.MIN_VALUE, Long.MAX_VALUE)).isPositive();
  }
}
