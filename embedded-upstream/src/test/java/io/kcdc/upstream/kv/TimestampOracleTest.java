package io.kcdc.upstream.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.Tso;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimestampOracleTest {
  private final AtomicLong clock = new AtomicLong(1_668_067_205_238L);
  private final TimestampOracle tso = new TimestampOracle(clock::get);

  @Test
  void composesPhysicalAndLogical() {
    assertThat(tso.next()).isEqualTo(Tso.compose(1_668_067_205_238L, 0));
    assertThat(tso.next()).isEqualTo(Tso.compose(1_668_067_205_238L, 1));
    clock.addAndGet(5);
    assertThat(tso.next()).isEqualTo(Tso.compose(1_668_067_205_243L, 0));
  }

  @Test
  void batchReturnsLargestOfConsecutiveRange() {
    long first = tso.next();
    long largest = tso.next(5);
    assertThat(largest).isEqualTo(first + 5);
    assertThat(Tso.logical(largest)).isEqualTo(5);
    assertThat(tso.last()).isEqualTo(largest);
  }

  @Test
  void neverGoesBackWhenClockDoes() {
    long a = tso.next();
    clock.addAndGet(-10_000);
    long b = tso.next();
    assertThat(b).isEqualTo(a + 1);
    assertThat(Tso.physical(b)).isEqualTo(Tso.physical(a));
  }

  @Test
  void logicalOverflowMovesPhysicalAhead() {
    long a = tso.next((1 << 18) - 1);
    assertThat(Tso.logical(a)).isEqualTo((1 << 18) - 2);
    long b = tso.next(2);
    assertThat(Tso.physical(b)).isEqualTo(Tso.physical(a) + 1);
    assertThat(Tso.logical(b)).isEqualTo(1);
    assertThat(b).isGreaterThan(a);
  }

  /** PD's calibrateLogical (pkg/tso/tso.go): {@code counter << suffixBits + suffix}. */
  @Test
  void suffixBitsSitBelowTheCounterInTheLogicalPart() {
    TimestampOracle suffixed = new TimestampOracle(clock::get, 2, 1);
    long a = suffixed.next();
    long b = suffixed.next(3);
    assertThat(Tso.logical(a)).isEqualTo(0b0_01);
    assertThat(Tso.logical(b)).isEqualTo(0b11_01);
    assertThat(b).isGreaterThan(a);
    long c = suffixed.next((1 << 16) - 4);
    long d = suffixed.next(1);
    assertThat(Tso.physical(d)).isEqualTo(Tso.physical(c) + 1);
    assertThat(Tso.logical(d)).isEqualTo(1);
  }

  @Test
  void rejectsBadCounts() {
    assertThatThrownBy(() -> tso.next(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
