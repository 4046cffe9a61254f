package io.kcdc.streams.sorter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommitPacerTest {
  private final CommitPacer pacer = new CommitPacer(100);

  @Test
  void nothingReleasedNoCommit() {
    assertThat(pacer.commitNow(1_000, false)).isFalse();
  }

  @Test
  void aCompletedReleaseCommitsAtOnceThenAtMostOncePerInterval() {
    pacer.released();
    assertThat(pacer.commitNow(1_000, false)).isTrue();
    assertThat(pacer.commitNow(1_001, false)).as("nothing new released").isFalse();

    pacer.released();
    assertThat(pacer.commitNow(1_050, false)).as("within the interval").isFalse();
    assertThat(pacer.commitNow(1_099, false)).isFalse();
    assertThat(pacer.commitNow(1_100, false)).as("owed since 1,050, due at 1,100").isTrue();
    assertThat(pacer.commitNow(1_300, false)).as("paid").isFalse();
  }

  @Test
  void aReleaseUnderWayKeepsTheCommitIntervalOfTheCatchUp() {
    pacer.released();
    assertThat(pacer.commitNow(1_000, true)).isFalse();
    assertThat(pacer.commitNow(5_000, true)).isFalse();
    assertThat(pacer.commitNow(5_001, false)).as("the release finished").isTrue();
  }
}
