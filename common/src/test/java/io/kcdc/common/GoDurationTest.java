package io.kcdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cases from Go's {@code time.ParseDuration} and {@code Duration.String}. */
class GoDurationTest {
  @Test
  void parses() {
    assertThat(GoDuration.parse("10m")).isEqualTo(600_000_000_000L);
    assertThat(GoDuration.parse("1h30m")).isEqualTo(5_400_000_000_000L);
    assertThat(GoDuration.parse("1.5s")).isEqualTo(1_500_000_000L);
    assertThat(GoDuration.parse("300ms")).isEqualTo(300_000_000L);
    assertThat(GoDuration.parse("2us")).isEqualTo(2_000L);
    assertThat(GoDuration.parse("1µs500ns")).isEqualTo(1_500L);
    assertThat(GoDuration.parse("1μs")).isEqualTo(1_000L);
    assertThat(GoDuration.parse(".5m")).isEqualTo(30_000_000_000L);
    assertThat(GoDuration.parse("1.s")).isEqualTo(1_000_000_000L);
    assertThat(GoDuration.parse("0")).isZero();
    assertThat(GoDuration.parse("+0")).isZero();
    assertThat(GoDuration.parse("-2s")).isEqualTo(-2_000_000_000L);
    assertThat(GoDuration.parse("+2us")).isEqualTo(2_000L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", "s", "h1", "1.s.", ".s", "9999999999h"})
  void rejectsInvalid(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("time: invalid duration \"" + text + "\"");
  }

  @Test
  void namesTheMissingOrUnknownUnitAsGoDoes() {
    assertThatThrownBy(() -> GoDuration.parse("10")).hasMessage("time: missing unit in duration \"10\"");
    assertThatThrownBy(() -> GoDuration.parse("3d")).hasMessage("time: unknown unit \"d\" in duration \"3d\"");
    assertThatThrownBy(() -> GoDuration.parse("1..5s")).hasMessage("time: missing unit in duration \"1..5s\"");
    assertThatThrownBy(() -> GoDuration.parse("1s ")).hasMessage("time: unknown unit \"s \" in duration \"1s \"");
  }

  @Test
  void formatsAsDurationString() {
    assertThat(GoDuration.format(0)).isEqualTo("0s");
    assertThat(GoDuration.format(500)).isEqualTo("500ns");
    assertThat(GoDuration.format(1_500)).isEqualTo("1.5µs");
    assertThat(GoDuration.format(10_000_000)).isEqualTo("10ms");
    assertThat(GoDuration.format(30_000_000_000L)).isEqualTo("30s");
    assertThat(GoDuration.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(GoDuration.format(5_400_500_000_000L)).isEqualTo("1h30m0.5s");
    assertThat(GoDuration.format(-90_000_000_000L)).isEqualTo("-1m30s");
  }

  @Test
  void formatThenParseIsIdentity() {
    for (long ns : new long[] {1, 999, 1_001, 2_500_000, 61_000_000_000L, 86_400_000_000_000L}) {
      assertThat(GoDuration.parse(GoDuration.format(ns))).isEqualTo(ns);
    }
  }
}
