package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.KeySpan;
import org.junit.jupiter.api.Test;

/** Follows TiCDC's cdc/kv/regionlock/region_range_lock.go (tryLockRange) at release-8.5. */
class RangeLockTest {
  private static byte[] k(int b) {
    return new byte[] {(byte) b};
  }

  private static KeySpan span(int s, int e) {
    return new KeySpan(k(s), k(e));
  }

  private static long locked(RangeLock.Result r) {
    assertThat(r).isInstanceOf(RangeLock.Locked.class);
    return ((RangeLock.Locked) r).token();
  }

  @Test
  void lockReturnsTheStartTsAndResolvedTsIsTheMinimumOverRanges() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    RangeLock.Result a = lock.lock(span(0, 50), 1, 1);
    assertThat(a).isEqualTo(new RangeLock.Locked(((RangeLock.Locked) a).token(), 10));
    long b = locked(lock.lock(span(50, 100), 2, 1));
    lock.advance(((RangeLock.Locked) a).token(), 30);
    assertThat(lock.resolvedTs()).isEqualTo(10);
    lock.advance(b, 20);
    assertThat(lock.resolvedTs()).isEqualTo(20);
    assertThat(lock.holes()).isEmpty();
  }

  @Test
  void holesKeepTheTableBack() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    lock.advance(locked(lock.lock(span(0, 50), 1, 1)), 40);
    // [50, 100) is not registered yet: the span stays at its start ts.
    assertThat(lock.resolvedTs()).isEqualTo(10);
    assertThat(lock.holes()).containsExactly(span(50, 100));
  }

  @Test
  void anUnlockedRangeKeepsWhatWasAdvancedAndRelockingResumesFromIt() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    long t = locked(lock.lock(span(0, 100), 1, 1));
    lock.advance(t, 40);
    assertThat(lock.unlock(t)).isTrue();
    assertThat(lock.unlock(t)).isFalse();
    assertThat(lock.resolvedTs()).isEqualTo(40);
    // After a split the two new regions resume from the old region's resolved ts.
    RangeLock.Result left = lock.lock(span(0, 60), 1, 2);
    RangeLock.Result right = lock.lock(span(60, 100), 3, 2);
    assertThat(((RangeLock.Locked) left).checkpointTs()).isEqualTo(40);
    assertThat(((RangeLock.Locked) right).checkpointTs()).isEqualTo(40);
    lock.advance(((RangeLock.Locked) left).token(), 50);
    lock.advance(((RangeLock.Locked) right).token(), 45);
    assertThat(lock.resolvedTs()).isEqualTo(45);
  }

  @Test
  void aStaleTokenTouchesNothing() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    long old = locked(lock.lock(span(0, 100), 1, 1));
    lock.unlock(old);
    long now = locked(lock.lock(span(0, 100), 1, 1));
    // A late unlock or advance of the first registration must not free or move the second.
    assertThat(lock.unlock(old)).isFalse();
    lock.advance(old, 99);
    assertThat(lock.resolvedTs()).isEqualTo(10);
    assertThat(lock.holes()).isEmpty();
    assertThat(lock.unlock(now)).isTrue();
  }

  @Test
  void mergedRegionWaitsForTheOlderVersionsAndResumesFromTheMinimumOfItsParts() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    long left = locked(lock.lock(span(0, 50), 1, 5));
    long right = locked(lock.lock(span(50, 100), 2, 5));
    lock.advance(left, 30);
    lock.advance(right, 25);
    // Region 1 merged region 2 (version 6): the merged range waits for both old registrations.
    assertThat(lock.lock(span(0, 100), 1, 6)).isInstanceOf(RangeLock.Wait.class);
    lock.unlock(right);
    assertThat(lock.lock(span(0, 100), 1, 6)).isInstanceOf(RangeLock.Wait.class);
    lock.unlock(left);
    RangeLock.Result merged = lock.lock(span(0, 100), 1, 6);
    assertThat(((RangeLock.Locked) merged).checkpointTs()).isEqualTo(25);
  }

  @Test
  void aRegionAlreadyLockedWithTheSameVersionMakesTheRequestStale() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    locked(lock.lock(span(0, 100), 1, 6));
    // The other half's error asks for the merged region again: nothing left to register.
    assertThat(lock.lock(span(0, 100), 1, 6)).isEqualTo(new RangeLock.Stale(java.util.List.of()));
    // An older view of a region over part of it: only the uncovered rest is retried.
    RangeLock other = new RangeLock(span(0, 100), 10);
    locked(other.lock(span(20, 40), 7, 9));
    assertThat(other.lock(span(0, 60), 8, 3))
        .isEqualTo(new RangeLock.Stale(java.util.List.of(span(0, 20), span(40, 60))));
  }

  @Test
  void theSameRegionIsNeverLockedTwiceInASpan() {
    RangeLock lock = new RangeLock(span(0, 100), 10);
    locked(lock.lock(span(0, 50), 1, 1));
    // Region 1 grew (merge) but its old registration still holds [0, 50): wait for its error.
    assertThat(lock.lock(span(50, 100), 1, 2)).isInstanceOf(RangeLock.Wait.class);
    assertThat(lock.lock(span(50, 100), 1, 1)).isInstanceOf(RangeLock.Stale.class);
  }

  @Test
  void lockIsClippedToTheSpan() {
    RangeLock lock = new RangeLock(span(10, 20), 5);
    assertThat(((RangeLock.Locked) lock.lock(new KeySpan(new byte[0], new byte[0]), 1, 1)).checkpointTs()).isEqualTo(5);
    assertThat(lock.holes()).isEmpty();
    assertThat(lock.lock(span(30, 40), 2, 1)).isEqualTo(new RangeLock.Stale(java.util.List.of()));
  }
}
