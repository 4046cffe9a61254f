package io.kcdc.capture.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CheckpointStallTest {
  private final CheckpointStall stall = new CheckpointStall();

  @Test
  void aMovingCheckpointIsNeverReported() {
    for (long t = 0; t < 60_000; t += 200) {
      assertThat(stall.observe(t, t)).isEmpty();
    }
  }

  @Test
  void aCheckpointStandingStillIsReportedEveryFiveSeconds() {
    assertThat(stall.observe(7, 1_000)).isEmpty();
    assertThat(stall.observe(7, 5_999)).isEmpty();
    assertThat(stall.observe(7, 6_000)).isEqualTo(OptionalLong.of(5_000));
    assertThat(stall.observe(7, 6_200)).isEmpty();
    assertThat(stall.observe(7, 11_000)).isEqualTo(OptionalLong.of(10_000));
    // it moves: quiet again until it stands for another five seconds
    assertThat(stall.observe(8, 11_200)).isEmpty();
    assertThat(stall.observe(8, 16_000)).isEmpty();
    assertThat(stall.observe(8, 16_200)).isEqualTo(OptionalLong.of(5_000));
  }
}
