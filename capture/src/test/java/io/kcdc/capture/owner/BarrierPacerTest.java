package io.kcdc.capture.owner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BarrierPacerTest {
  private final BarrierPacer pacer = new BarrierPacer(1000);

  @Test
  void theFirstBarrierIsWrittenAtOnce() {
    assertThat(pacer.due(100, 0, false)).isTrue();
  }

  @Test
  void anUnchangedBarrierIsNeverWrittenAgain() {
    pacer.written(100, 0);
    assertThat(pacer.due(100, 5_000, true)).isFalse();
  }

  @Test
  void whileNothingFlowsAChangedBarrierWaitsForTheIdleInterval() {
    pacer.written(100, 10_000);
    assertThat(pacer.due(101, 10_200, false)).isFalse();
    assertThat(pacer.due(105, 10_999, false)).isFalse();
    assertThat(pacer.due(106, 11_000, false)).isTrue();
  }

  @Test
  void rowsOrADdlGetEveryChangeAtOnce() {
    pacer.written(100, 10_000);
    assertThat(pacer.due(101, 10_200, true)).isTrue();
    pacer.written(101, 10_200);
    assertThat(pacer.due(102, 10_400, true)).isTrue();
  }

  @Test
  void theIntervalCountsFromTheLastWrite() {
    pacer.written(100, 10_000);
    pacer.written(101, 10_800); // written promptly while rows flowed
    assertThat(pacer.due(102, 11_200, false)).isFalse();
    assertThat(pacer.due(102, 11_800, false)).isTrue();
  }
}
