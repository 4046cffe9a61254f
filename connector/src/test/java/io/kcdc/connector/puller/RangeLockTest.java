package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.KeySpan;
import org.junit.jupiter.api.Test;

class RangeLockTest {
  private static byte[] k(int b) {
    return new byte[] {(byte) b};
  }

  private static KeySpan span(int s, int e) {
    return new KeySpan(k(s), k(e));
  }

  @Test
  void lockReturnsTheStartTsAndResolvedTsIsTheMinimumOverRanges() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    assertThat(lock.lock(span(0, 50), 1)).hasValue(10);
    assertThat(lock.lock(span(50, 100), 2)).hasValue(10);
    lock.advance(k(0), 1, 30);
    assertThat(lock.resolvedTs()).isEqualTo(10);
    lock.advance(k(50), 2, 20);
    assertThat(lock.resolvedTs()).isEqualTo(20);
    assertThat(lock.holes()).isEmpty();
  }

  @Test
  void holesKeepTheTableBack() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    lock.lock(span(0, 50), 1);
    lock.advance(k(0), 1, 40);
    // [50, 100) is not registered yet: the span stays at its start ts.
    assertThat(lock.resolvedTs()).isEqualTo(10);
    assertThat(lock.holes()).containsExactly(span(50, 100));
  }

  @Test
  void unlockedRangeKeepsItsResolvedTsAndRelockingResumesFromIt() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    lock.lock(span(0, 100), 1);
    lock.advance(k(0), 1, 40);
    lock.unlock(k(0), 1, 40);
    assertThat(lock.resolvedTs()).isEqualTo(40);
    // After a split the two new regions resume from the old region's resolved ts.
    assertThat(lock.lock(span(0, 60), 2)).hasValue(40);
    assertThat(lock.lock(span(60, 100), 3)).hasValue(40);
    lock.advance(k(0), 2, 50);
    lock.advance(k(60), 3, 45);
    assertThat(lock.resolvedTs()).isEqualTo(45);
  }

  @Test
  void mergedRegionResumesFromTheMinimumOfItsParts() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    lock.lock(span(0, 50), 1);
    lock.lock(span(50, 100), 2);
    lock.advance(k(0), 1, 30);
    lock.advance(k(50), 2, 25);
    lock.unlock(k(0), 1, 30);
    lock.unlock(k(50), 2, 25);
    assertThat(lock.lock(span(0, 100), 3)).hasValue(25);
  }

  @Test
  void lockingARangeHeldByAnotherRegionFails() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    lock.lock(span(0, 50), 1);
    assertThat(lock.lock(span(40, 60), 2)).isEmpty();
    assertThat(lock.holes()).containsExactly(span(50, 100));
  }

  @Test
  void advanceAndUnlockIgnoreOtherRegions() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    lock.lock(span(0, 100), 1);
    lock.advance(k(0), 2, 50);
    lock.unlock(k(0), 2, 50);
    assertThat(lock.resolvedTs()).isEqualTo(10);
    assertThat(lock.holes()).isEmpty();
  }

  @Test
  void lockIsClippedToTheSpan() {
    RangeLock lock = new RangeLock(span(10, 20), 5);
    assertThat(lock.lock(new KeySpan(new byte[0], new byte[0]), 1)).hasValue(5);
    assertThat(lock.holes()).isEmpty();
    assertThat(lock.lock(span(30, 40), 2)).isEmpty();
  }
}
