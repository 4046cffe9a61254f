package io.kcdc.upstream.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** TiKV's pessimistic locks in the store: waits, deadlocks, conflicts and what CDC sees of them. */
class PessimisticLockTest {
  private static final byte[] K1 = TableCodec.recordKey(100, 1);
  private static final byte[] K2 = TableCodec.recordKey(100, 2);
  private static final KeySpan ALL = new KeySpan(null, null);

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final MvccStore store = new MvccStore(clock::get, 1_000);
  private final List<MvccChange> seen = new ArrayList<>();

  PessimisticLockTest() {
    store.addListener(seen::addAll);
  }

  private static byte[] v(String s) {
    return s.getBytes();
  }

  private void write(long startTs, long commitTs, byte[] key, String value) {
    store.prewrite(List.of(Mutation.put(key, v(value))), key, startTs, 3_000);
    store.commit(List.of(key), startTs, commitTs);
  }

  @Test
  void pessimisticLockIsInvisibleToReadersResolvedTsAndCdc() {
    write(10, 11, K1, "a");
    seen.clear();
    store.acquirePessimisticLocks(List.of(K1, K2), K1, 20, 25, 3_000, 0);
    assertThat(seen).isEmpty();
    // Reads at any ts pass the lock; it holds back no resolved ts and is no PREWRITE of a scan.
    assertThat(store.get(K1, 30).orElseThrow().value()).isEqualTo(v("a"));
    assertThat(store.minLockStartTs(TableCodec.tableSpan(100))).isEqualTo(Long.MAX_VALUE);
    List<MvccChange> scanned = new ArrayList<>();
    store.incrementalScan(TableCodec.tableSpan(100), 0, scanned::addAll);
    assertThat(scanned).extracting(MvccChange::kind).containsExactly(MvccChange.Kind.COMMITTED);
    // TiKV's ScanLock does list it, as a PessimisticLock with its for_update_ts.
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10))
        .allSatisfy(l -> assertThat(l.pessimistic()).isTrue())
        .extracting(MvccLock::forUpdateTs).containsExactly(25L, 25L);

    // The commit prewrites over its own locks and emits the usual rows; an unwritten key's lock goes.
    store.prewrite(List.of(Mutation.put(K1, v("b"))), K1, 20, 3_000, 25);
    store.pessimisticRollback(List.of(K2), 20);
    assertThat(store.minLockStartTs(TableCodec.tableSpan(100))).isEqualTo(20);
    store.commit(List.of(K1), 20, 30);
    assertThat(seen).extracting(MvccChange::kind).containsExactly(MvccChange.Kind.PREWRITE, MvccChange.Kind.COMMIT);
    assertThat(seen.get(0).oldValue()).isEqualTo(v("a"));
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void commitAfterStartButBeforeForUpdateTsDoesNotConflict() {
    write(15, 16, K1, "newer than start");
    store.acquirePessimisticLocks(List.of(K1), K1, 10, 20, 3_000, 0);
    store.prewrite(List.of(Mutation.put(K1, v("x"))), K1, 10, 3_000, 20);
    store.commit(List.of(K1), 10, 21);
    assertThat(store.get(K1, 21).orElseThrow().value()).isEqualTo(v("x"));
  }

  @Test
  void lockingAKeyCommittedAfterForUpdateTsIsAWriteConflict() {
    write(30, 31, K1, "a");
    assertThatThrownBy(() -> store.acquirePessimisticLocks(List.of(K2, K1), K2, 20, 25, 3_000, 0))
        .isInstanceOf(WriteConflictException.class);
    // All or nothing: K2 is not left locked.
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).isEmpty();
    store.acquirePessimisticLocks(List.of(K2, K1), K2, 20, 32, 3_000, 0);
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).hasSize(2);
  }

  @Test
  void waiterGetsTheLockWhenTheHolderCommitsAndThenSeesTheConflict() throws Exception {
    store.acquirePessimisticLocks(List.of(K1), K1, 10, 10, 3_000, 0);
    CompletableFuture<Void> waiter = CompletableFuture.runAsync(
        () -> store.acquirePessimisticLocks(List.of(K1), K1, 20, 20, 3_000, 5_000));
    Thread.sleep(100);
    assertThat(waiter).isNotDone();
    store.prewrite(List.of(Mutation.put(K1, v("a"))), K1, 10, 3_000, 10);
    store.commit(List.of(K1), 10, 30);
    // The holder committed after the waiter's for_update_ts: the waiter's statement must retry.
    assertThatThrownBy(() -> waiter.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(WriteConflictException.class);
    store.acquirePessimisticLocks(List.of(K1), K1, 20, 31, 3_000, 0);
  }

  @Test
  void lockWaitTimesOutAndTheLockOfAnOpenTransactionNeverExpires() {
    store.heartbeat(10, true);
    store.acquirePessimisticLocks(List.of(K1), K1, 10, 10, 1_000, 0);
    clock.addAndGet(10_000);
    long start = System.nanoTime();
    assertThatThrownBy(() -> store.acquirePessimisticLocks(List.of(K1), K1, 20, 20, 1_000, 200))
        .isInstanceOf(LockWaitTimeoutException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(200);
    // Once its transaction is gone (no heartbeat), an expired lock is cleared by the next waiter.
    store.heartbeat(10, false);
    store.acquirePessimisticLocks(List.of(K1), K1, 20, 20, 1_000, 200);
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).extracting(MvccLock::startTs).containsExactly(20L);
  }

  @Test
  void aWaitThatClosesACycleIsADeadlock() throws Exception {
    store.acquirePessimisticLocks(List.of(K1), K1, 10, 10, 3_000, 0);
    store.acquirePessimisticLocks(List.of(K2), K2, 20, 20, 3_000, 0);
    CompletableFuture<Void> first = CompletableFuture.runAsync(
        () -> store.acquirePessimisticLocks(List.of(K2), K1, 10, 11, 3_000, 10_000));
    Thread.sleep(100);
    assertThatThrownBy(() -> store.acquirePessimisticLocks(List.of(K1), K2, 20, 21, 3_000, 10_000))
        .isInstanceOf(DeadlockException.class);
    // The victim gives up its locks; the first waiter then gets K2.
    store.pessimisticRollback(List.of(K2), 20);
    first.get(5, TimeUnit.SECONDS);
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).extracting(MvccLock::startTs).containsExactly(10L, 10L);
  }

  @Test
  void optimisticPrewriteWaitsForAForeignPessimisticLockThenConflictsPastTheWaitLimit() throws Exception {
    store.acquirePessimisticLocks(List.of(K1), K1, 10, 10, 3_000, 0);
    CompletableFuture<Void> optimistic = CompletableFuture.runAsync(
        () -> store.prewrite(List.of(Mutation.put(K1, v("x"))), K1, 20, 3_000));
    Thread.sleep(200);
    assertThat(optimistic).isNotDone();
    store.pessimisticRollback(List.of(K1), 10);
    optimistic.get(5, TimeUnit.SECONDS);
    store.commit(List.of(K1), 20, 21);

    store.acquirePessimisticLocks(List.of(K1), K1, 30, 30, 3_000, 0);
    long start = System.nanoTime();
    // The store's read wait limit (1 s here) bounds the wait.
    assertThatThrownBy(() -> store.prewrite(List.of(Mutation.put(K1, v("y"))), K1, 40, 3_000))
        .isInstanceOf(WriteConflictException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1_000);
  }
}
