package io.kcdc.streams.sorter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BufferedRowsTest {
  private final BufferedRows rows = new BufferedRows();

  @Test
  void unknownUntilTheStoreSaidTheTableWasEmpty() {
    rows.put(1, 100);
    assertThat(rows.above(1, 50)).as("a put before the table was known empty tells nothing").isEmpty();
    rows.emptyAbove(1, 100);
    assertThat(rows.above(1, 100)).contains(false);
  }

  @Test
  void rowsPutAboveTheCheckpointAreThereUntilAReleasePassesThem() {
    rows.emptyAbove(1, 100);
    rows.put(1, 130);
    rows.put(1, 120);
    assertThat(rows.above(1, 100)).contains(true);
    assertThat(rows.above(1, 125)).as("released up to 125, the row at 130 is left").contains(true);
    assertThat(rows.above(1, 130)).contains(false);
    assertThat(rows.above(2, 0)).as("other tables stay unknown").isEmpty();
  }

  @Test
  void aForgottenTableIsUnknownAgain() {
    rows.emptyAbove(1, 100);
    rows.forget(1);
    assertThat(rows.above(1, 100)).isEmpty();
  }

  @Test
  void commitTsAreComparedAsUnsignedTsos() {
    rows.emptyAbove(1, 100);
    rows.put(1, -2L); // above every signed long: a TSO far in the future
    assertThat(rows.above(1, Long.MAX_VALUE)).contains(true);
  }
}
