package io.kcdc.capture.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.avro.PartitionProgress;
import io.kcdc.avro.TableProgress;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgressBookTest {
  private static TableProgress table(long id, long resolved, long checkpoint, long synced) {
    return new TableProgress(id, resolved, checkpoint, synced);
  }

  @Test
  void withoutPartitionReportsEveryTableMustHaveReportedOnItsOwn() {
    ProgressBook book = new ProgressBook(2);
    book.table(table(1, 50, 40, 30));
    assertThat(book.checkpoint(Set.of(1L, 2L))).isEmpty();
    book.table(table(2, 60, 45, 44));
    assertThat(book.checkpoint(Set.of(1L, 2L))).hasValue(40);
    assertThat(book.resolved(Set.of(1L, 2L))).hasValue(50);
    assertThat(book.lastSynced(Set.of(1L, 2L))).isEqualTo(44);
  }

  @Test
  void onceEveryPartitionHasReportedTheyCoverTablesThatNeverReported() {
    ProgressBook book = new ProgressBook(2);
    Set<Long> tables = Set.of(1L, 2L, 3L, 4L, 5L);
    book.table(table(1, 50, 40, 30));
    book.partition(new PartitionProgress(0, 100L, 90L));
    assertThat(book.checkpoint(tables)).isEmpty(); // partition 1 unknown
    book.partition(new PartitionProgress(1, 80L, 70L));
    assertThat(book.checkpoint(tables)).hasValue(70);
    assertThat(book.resolved(tables)).hasValue(80);
    assertThat(book.lastSynced(tables)).isEqualTo(30);
    assertThat(book.lastSynced(Set.of(2L))).isZero();
  }

  @Test
  void theLargerOfTwoKnownLowerBoundsHoldsAndNothingMovesBack() {
    ProgressBook book = new ProgressBook(1);
    book.table(table(1, 100, 95, 95));
    book.partition(new PartitionProgress(0, 90L, 80L));
    assertThat(book.checkpoint(Set.of(1L))).hasValue(95);
    book.partition(new PartitionProgress(0, 70L, 60L)); // re-read from an older incarnation
    book.table(table(1, 90, 85, 85));
    assertThat(book.checkpoint(Set.of(1L))).hasValue(95);
    assertThat(book.checkpoint(Set.of())).isEqualTo(OptionalLong.of(80));
  }

  @Test
  void saysHowFarEachPartitionIsBehind() {
    ProgressBook book = new ProgressBook(3);
    long now = 1_700_000_000_000L;
    book.partition(new PartitionProgress(0, io.kcdc.common.Tso.compose(now - 400, 0), io.kcdc.common.Tso.compose(now - 12_300, 5)));
    book.partition(new PartitionProgress(2, io.kcdc.common.Tso.compose(now, 0), io.kcdc.common.Tso.compose(now - 1_000, 0)));
    assertThat(book.partitionsBehind(now)).isEqualTo("0: 12.3 s / 0.4 s, 1: not reported, 2: 1.0 s / 0.0 s");
  }
}
