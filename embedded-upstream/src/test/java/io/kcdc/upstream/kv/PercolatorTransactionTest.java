package io.kcdc.upstream.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.tidb.TableCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercolatorTransactionTest {
  private final MvccTxnKv kv = MvccTxnKv.inMemory();
  private final List<MvccChange> seen = new ArrayList<>();

  PercolatorTransactionTest() {
    kv.store().addListener(seen::addAll);
  }

  private static byte[] key(long h) {
    return TableCodec.recordKey(7, h);
  }

  @Test
  void commitMakesWritesVisibleToLaterSnapshotsOnly() {
    long before = kv.currentTs();
    Transaction txn = kv.begin();
    txn.put(key(1), "a".getBytes());
    txn.put(key(2), "b".getBytes());
    long commitTs = txn.commit();
    assertThat(commitTs).isGreaterThan(txn.startTs());
    assertThat(kv.snapshot(before).get(key(1))).isEmpty();
    assertThat(kv.snapshot(commitTs).get(key(1))).contains("a".getBytes());
    assertThat(kv.snapshot(kv.currentTs()).scan(new byte[0], new byte[0], 10)).hasSize(2);
  }

  @Test
  void readsOwnWritesMergedWithSnapshot() {
    Transaction setup = kv.begin();
    setup.put(key(1), "a".getBytes());
    setup.put(key(2), "b".getBytes());
    setup.commit();
    Transaction txn = kv.begin();
    txn.delete(key(1));
    txn.put(key(3), "c".getBytes());
    assertThat(txn.get(key(1))).isEmpty();
    assertThat(txn.scan(TableCodec.recordPrefix(7), new byte[0], 10))
        .extracting(p -> new String(p.value())).containsExactly("b", "c");
    assertThat(txn.scan(TableCodec.recordPrefix(7), new byte[0], 1)).hasSize(1);
  }

  @Test
  void scanWithoutLimitSeesCommittedAndBufferedRows() {
    Transaction setup = kv.begin();
    setup.put(key(1), "a".getBytes());
    setup.commit();
    Transaction txn = kv.begin();
    txn.put(key(2), "b".getBytes());
    // Integer.MAX_VALUE plus the buffered writes must not wrap to a negative store limit.
    assertThat(txn.scan(TableCodec.recordPrefix(7), new byte[0], Integer.MAX_VALUE))
        .extracting(p -> new String(p.value())).containsExactly("a", "b");
  }

  @Test
  void concurrentWritersOfOneKeyConflict() {
    Transaction a = kv.begin();
    Transaction b = kv.begin();
    a.put(key(1), "a".getBytes());
    b.put(key(1), "b".getBytes());
    a.commit();
    assertThatThrownBy(b::commit).isInstanceOf(WriteConflictException.class);
    assertThat(kv.snapshot(kv.currentTs()).get(key(1))).contains("a".getBytes());
    assertThat(kv.store().scanLocks(new io.kcdc.tidb.KeySpan(null, null), Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void emitsPrewritesBeforeCommitsWithOneCommitTs() {
    PercolatorTransaction txn = kv.begin();
    txn.put(key(2), "b".getBytes());
    txn.delete(key(1));
    txn.prewrite();
    assertThat(seen).extracting(MvccChange::kind).containsOnly(MvccChange.Kind.PREWRITE);
    long commitTs = txn.commitPrewritten();
    assertThat(seen).hasSize(4);
    assertThat(seen.subList(2, 4)).allSatisfy(c -> {
      assertThat(c.kind()).isEqualTo(MvccChange.Kind.COMMIT);
      assertThat(c.commitTs()).isEqualTo(commitTs);
    });
    // Primary (first key in order) commits first.
    assertThat(seen.get(2).rawKey()).isEqualTo(key(1));
    assertThat(seen.get(2).delete()).isTrue();
  }

  @Test
  void rollbackAfterPrewriteReleasesLocks() {
    PercolatorTransaction txn = kv.begin();
    txn.put(key(1), "x".getBytes());
    txn.prewrite();
    txn.rollback();
    assertThat(seen).extracting(MvccChange::kind).containsExactly(MvccChange.Kind.PREWRITE, MvccChange.Kind.ROLLBACK);
    assertThat(kv.snapshot(kv.currentTs()).get(key(1))).isEmpty();
    assertThat(kv.begin().commit()).isZero();
  }
}
