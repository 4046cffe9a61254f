package io.kcdc.upstream.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MvccStoreTest {
  private static final byte[] K1 = TableCodec.recordKey(100, 1);
  private static final byte[] K2 = TableCodec.recordKey(100, 2);
  private static final byte[] K3 = TableCodec.recordKey(101, 1);

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final MvccStore store = new MvccStore(clock::get, 1_000);
  private final List<MvccChange> seen = new ArrayList<>();

  MvccStoreTest() {
    store.addListener(seen::addAll);
  }

  private void write(long startTs, long commitTs, Mutation... ms) {
    store.prewrite(List.of(ms), ms[0].rawKey(), startTs, 3_000);
    List<byte[]> keys = new ArrayList<>();
    for (Mutation m : ms) {
      keys.add(m.rawKey());
    }
    store.commit(keys, startTs, commitTs);
  }

  private static byte[] v(String s) {
    return s.getBytes();
  }

  @Test
  void readsSeeVersionsCommittedAtOrBeforeReadTs() {
    write(10, 11, Mutation.put(K1, v("a")));
    write(20, 21, Mutation.put(K1, v("b")));
    write(30, 31, Mutation.delete(K1));
    assertThat(store.get(K1, 10)).isEmpty();
    assertThat(store.get(K1, 11).orElseThrow().value()).isEqualTo(v("a"));
    assertThat(store.get(K1, 25).orElseThrow().value()).isEqualTo(v("b"));
    assertThat(store.get(K1, 25).orElseThrow().commitTs()).isEqualTo(21);
    assertThat(store.get(K1, 31)).isEmpty();
  }

  @Test
  void scanReturnsLiveKeysInOrderWithinSpan() {
    write(10, 11, Mutation.put(K2, v("2")), Mutation.put(K1, v("1")), Mutation.put(K3, v("3")));
    write(12, 13, Mutation.delete(K2));
    List<MvccValue> rows = store.scan(TableCodec.tableSpan(100), 20, 10);
    assertThat(rows).extracting(MvccValue::rawKey).containsExactly(K1);
    assertThat(store.scan(new KeySpan(null, null), 12, 10)).extracting(MvccValue::value)
        .containsExactly(v("1"), v("2"), v("3"));
    assertThat(store.scan(new KeySpan(null, null), 12, 2)).hasSize(2);
  }

  @Test
  void prewriteConflictsWithLaterCommitAndWithForeignLock() {
    write(10, 20, Mutation.put(K1, v("a")));
    assertThatThrownBy(() -> store.prewrite(List.of(Mutation.put(K1, v("x"))), K1, 15, 3_000))
        .isInstanceOf(WriteConflictException.class);
    store.prewrite(List.of(Mutation.put(K2, v("y"))), K2, 30, 3_000);
    assertThatThrownBy(() -> store.prewrite(List.of(Mutation.put(K3, v("z")), Mutation.put(K2, v("z"))), K3, 31, 3_000))
        .isInstanceOf(WriteConflictException.class);
    // All or nothing: K3 was not locked by the failed prewrite.
    assertThat(store.scanLocks(new KeySpan(null, null), Long.MAX_VALUE, 10))
        .extracting(MvccLock::startTs).containsExactly(30L);
  }

  @Test
  void rollbackLeavesMarkerThatStopsLatePrewriteAndCommit() {
    store.prewrite(List.of(Mutation.put(K1, v("a"))), K1, 10, 3_000);
    store.rollback(List.of(K1), 10);
    assertThat(store.get(K1, 100)).isEmpty();
    assertThatThrownBy(() -> store.commit(List.of(K1), 10, 11)).isInstanceOf(WriteConflictException.class);
    assertThatThrownBy(() -> store.prewrite(List.of(Mutation.put(K1, v("a"))), K1, 10, 3_000))
        .isInstanceOf(WriteConflictException.class);
  }

  @Test
  void listenerSeesPrewriteWithOldValueThenCommitThenRollback() {
    write(10, 11, Mutation.put(K1, v("a")));
    seen.clear();
    store.prewrite(List.of(Mutation.put(K1, v("b")), Mutation.delete(K2)), K1, 20, 3_000);
    store.commit(List.of(K1, K2), 20, 21);
    store.prewrite(List.of(Mutation.put(K3, v("c"))), K3, 30, 3_000);
    store.rollback(List.of(K3), 30);
    assertThat(seen).extracting(MvccChange::kind).containsExactly(
        MvccChange.Kind.PREWRITE, MvccChange.Kind.PREWRITE, MvccChange.Kind.COMMIT, MvccChange.Kind.COMMIT,
        MvccChange.Kind.PREWRITE, MvccChange.Kind.ROLLBACK);
    assertThat(seen.get(0).value()).isEqualTo(v("b"));
    assertThat(seen.get(0).oldValue()).isEqualTo(v("a"));
    assertThat(seen.get(1).delete()).isTrue();
    assertThat(seen.get(1).oldValue()).isEmpty();
    assertThat(seen.get(2).commitTs()).isEqualTo(21);
    assertThat(seen.get(2).startTs()).isEqualTo(20);
    assertThat(seen.get(5).rawKey()).isEqualTo(K3);
  }

  @Test
  void incrementalScanReturnsVersionsAfterCheckpointAndLocks() {
    write(10, 11, Mutation.put(K1, v("a")));
    write(20, 21, Mutation.put(K1, v("b")));
    write(22, 23, Mutation.put(K3, v("other table")));
    store.prewrite(List.of(Mutation.delete(K2)), K2, 30, 3_000);
    List<MvccChange> rows = new ArrayList<>();
    store.incrementalScan(TableCodec.tableSpan(100), 11, rows::addAll);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).kind()).isEqualTo(MvccChange.Kind.COMMITTED);
    assertThat(rows.get(0).commitTs()).isEqualTo(21);
    assertThat(rows.get(0).value()).isEqualTo(v("b"));
    assertThat(rows.get(0).oldValue()).isEqualTo(v("a"));
    assertThat(rows.get(1).kind()).isEqualTo(MvccChange.Kind.PREWRITE);
    assertThat(rows.get(1).rawKey()).isEqualTo(K2);
    assertThat(rows.get(1).delete()).isTrue();
    assertThat(store.minLockStartTs(TableCodec.tableSpan(100))).isEqualTo(30);
    assertThat(store.minLockStartTs(TableCodec.tableSpan(101))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void readWaitsForOlderLockUntilCommit() throws Exception {
    write(10, 11, Mutation.put(K1, v("a")));
    store.prewrite(List.of(Mutation.put(K1, v("b"))), K1, 20, 60_000);
    assertThat(store.get(K1, 15).orElseThrow().value()).isEqualTo(v("a"));
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> store.get(K1, 40).orElseThrow().value());
    Thread.sleep(100);
    assertThat(read).isNotDone();
    store.commit(List.of(K1), 20, 30);
    assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(v("b"));
  }

  @Test
  void readResolvesExpiredLocksFromPrimaryStatus() {
    store.prewrite(List.of(Mutation.put(K1, v("p")), Mutation.put(K2, v("s"))), K1, 20, 1_000);
    store.commit(List.of(K1), 20, 25);
    store.prewrite(List.of(Mutation.put(K3, v("x"))), K3, 26, 1_000);
    clock.addAndGet(1_000);
    // Secondary of a committed primary is rolled forward.
    assertThat(store.get(K2, 40).orElseThrow().commitTs()).isEqualTo(25);
    // A lone expired primary is rolled back.
    assertThat(store.get(K3, 40)).isEmpty();
    assertThat(store.scanLocks(new KeySpan(null, null), Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void readGivesUpOnLiveLockAfterMaxWait() {
    store.prewrite(List.of(Mutation.put(K1, v("p"))), K1, 20, 600_000);
    assertThatThrownBy(() -> store.get(K1, 40)).isInstanceOf(KeyLockedException.class);
  }

  @Test
  void encodedSpansMatchRawKeyOrder() {
    byte[] meta = "mDB:1".getBytes();
    write(10, 11, Mutation.put(meta, v("m")), Mutation.put(K1, v("t")));
    KeySpan metaRegion = new KeySpan(null, Codec.encodeBytes("t".getBytes()));
    assertThat(store.scan(metaRegion, 20, 10)).extracting(MvccValue::rawKey).containsExactly(meta);
  }

  @Test
  void gcKeepsTheNewestVisibleVersionAndDropsOlderOnes() {
    write(10, 11, Mutation.put(K1, v("a1")));
    write(20, 21, Mutation.put(K1, v("a2")));
    write(30, 31, Mutation.put(K1, v("a3")));
    write(12, 13, Mutation.put(K2, v("b1")));
    write(22, 23, Mutation.delete(K2));
    store.rollback(List.of(K3), 15);

    assertThat(store.gc(25)).isEqualTo(3);
    assertThat(store.gcSafePoint()).isEqualTo(25);
    // Reads at or above the safepoint answer as before.
    assertThat(store.get(K1, 25)).hasValueSatisfying(x -> assertThat(x.value()).isEqualTo(v("a2")));
    assertThat(store.get(K1, 40)).hasValueSatisfying(x -> assertThat(x.value()).isEqualTo(v("a3")));
    assertThat(store.get(K2, 25)).isEmpty();
    // The version below the safepoint is gone.
    assertThat(store.get(K1, 12)).isEmpty();
    List<MvccChange> scanned = new ArrayList<>();
    store.incrementalScan(new KeySpan(null, null), 0, scanned::addAll);
    assertThat(scanned).extracting(MvccChange::commitTs).containsExactly(21L, 31L);
    // Safepoints never go back.
    assertThat(store.gc(5)).isZero();
    assertThat(store.gcSafePoint()).isEqualTo(25);
  }
}
