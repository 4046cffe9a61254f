package io.kcdc.upstream.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.common.Tso;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * TiKV's CheckTxnStatus and ResolveLock on the store, as TiKV v8.5.0 defines them:
 * {@code src/storage/txn/actions/check_txn_status.rs} (TTL from the lock's start ts,
 * {@code lock.ts.physical() + lock.ttl < current_ts.physical()}; missing lock: commit record,
 * rollback record, TxnNotFound or a rollback when {@code rollback_if_not_exist}; primary mismatch),
 * {@code src/storage/txn/commands/resolve_lock.rs} and {@code resolve_lock_lite.rs} (commit or
 * clean up each lock of the given transactions), {@code src/storage/txn/actions/commit.rs} and
 * {@code cleanup.rs}.
 */
class LockResolvingTest {
  private static final byte[] PRIMARY = TableCodec.recordKey(100, 1);
  private static final byte[] ROW = TableCodec.recordKey(100, 2);
  private static final byte[] OTHER_TABLE = TableCodec.recordKey(101, 1);
  private static final KeySpan TABLE_100 = TableCodec.tableSpan(100);
  private static final KeySpan ALL = new KeySpan(null, null);
  /** Physical ms of the transactions' start ts. */
  private static final long T0 = 1_700_000_000_000L;
  private static final long START = Tso.compose(T0, 0);

  private final AtomicLong clock = new AtomicLong(T0);
  private final MvccStore store = new MvccStore(clock::get, 1_000);
  private final List<MvccChange> seen = new ArrayList<>();

  LockResolvingTest() {
    store.addListener(seen::addAll);
  }

  private static long at(long physicalMs) {
    return Tso.compose(physicalMs, 0);
  }

  /** An optimistic transaction {@link #START} locking ROW under PRIMARY, with TiDB's 3 s TTL. */
  private void orphan(boolean primaryCommitted, long commitTs) {
    store.prewrite(List.of(Mutation.put(PRIMARY, "p".getBytes()), Mutation.put(ROW, "r".getBytes())), PRIMARY,
        START, 3_000);
    if (primaryCommitted) {
      store.commit(List.of(PRIMARY), START, commitTs);
    }
  }

  private TxnStatus check(long currentTs, boolean rollbackIfNotExist) {
    return store.checkTxnStatus(PRIMARY, START, 0, currentTs, rollbackIfNotExist, false, true);
  }

  @Test
  void aLivePrimaryLockIsReportedWithItsTtlUntilTheTtlIsOverThenRolledBack() {
    orphan(false, 0);
    // 3 s after the start ts' physical time the lock is not yet expired (TiKV: strictly after).
    TxnStatus live = check(at(T0 + 3_000), false);
    assertThat(live).isInstanceOf(TxnStatus.Locked.class);
    assertThat(((TxnStatus.Locked) live).ttlMillis()).isEqualTo(3_000);
    assertThat(((TxnStatus.Locked) live).lock().txnSize()).isEqualTo(2);
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).hasSize(2);

    seen.clear();
    assertThat(check(at(T0 + 3_001), false)).isEqualTo(new TxnStatus.RolledBack(TxnStatus.Action.TTL_EXPIRE_ROLLBACK));
    // Only the primary: the secondary waits for ResolveLock. CDC sees the primary's rollback.
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).extracting(MvccLock::rawKey).containsExactly(ROW);
    assertThat(seen).extracting(MvccChange::kind).containsExactly(MvccChange.Kind.ROLLBACK);
    // Asked again, the rollback record answers.
    assertThat(check(at(T0 + 5_000), false)).isEqualTo(new TxnStatus.RolledBack(TxnStatus.Action.NO_ACTION));
  }

  @Test
  void theTtlCountsFromTheStartTsNotFromWhenTheLockWasWritten() {
    // A transaction that read for 10 s before prewriting: its lock is expired at once by the TSO.
    clock.set(T0 + 10_000);
    orphan(false, 0);
    assertThat(check(at(T0 + 10_000), false)).isEqualTo(new TxnStatus.RolledBack(TxnStatus.Action.TTL_EXPIRE_ROLLBACK));
  }

  @Test
  void aCommittedPrimaryAnswersItsCommitTs() {
    long commitTs = at(T0 + 5);
    orphan(true, commitTs);
    assertThat(check(at(T0 + 1), false)).isEqualTo(new TxnStatus.Committed(commitTs));
    assertThat(check(at(T0 + 60_000), true)).isEqualTo(new TxnStatus.Committed(commitTs));
  }

  @Test
  void withoutLockOrRecordTheTxnIsNotFoundUnlessRollbackIfNotExist() {
    // A secondary prewritten before its primary (the primary's prewrite still on its way).
    store.prewrite(List.of(Mutation.put(ROW, "r".getBytes())), PRIMARY, START, 3_000);
    assertThatThrownBy(() -> check(at(T0 + 1), false)).isInstanceOf(TxnNotFoundException.class);
    assertThat(check(at(T0 + 1), true)).isEqualTo(new TxnStatus.RolledBack(TxnStatus.Action.LOCK_NOT_EXIST_ROLLBACK));
    // The rollback record stops the late prewrite of the primary.
    assertThatThrownBy(() -> store.prewrite(List.of(Mutation.put(PRIMARY, "p".getBytes())), PRIMARY, START, 3_000))
        .isInstanceOf(WriteConflictException.class);
    // Resolving a pessimistic lock writes nothing when the primary is unknown.
    assertThat(store.checkTxnStatus(OTHER_TABLE, START + 1, 0, at(T0 + 1), true, true, true))
        .isEqualTo(new TxnStatus.RolledBack(TxnStatus.Action.LOCK_NOT_EXIST_DO_NOTHING));
  }

  @Test
  void aLockNamingAnotherPrimaryIsAPrimaryMismatch() {
    orphan(false, 0);
    assertThatThrownBy(() -> store.checkTxnStatus(ROW, START, 0, at(T0 + 1), false, false, true))
        .isInstanceOf(PrimaryMismatchException.class)
        .satisfies(e -> assertThat(((PrimaryMismatchException) e).lock().primary()).isEqualTo(PRIMARY));
    // Old clients do not ask for the check: the secondary's lock answers for itself.
    assertThat(store.checkTxnStatus(ROW, START, 0, at(T0 + 1), false, false, false))
        .isInstanceOf(TxnStatus.Locked.class);
  }

  @Test
  void expiredPessimisticPrimaryIsRemovedOrRolledBackAndOpenTransactionsStayAlive() {
    store.acquirePessimisticLocks(List.of(PRIMARY), PRIMARY, START, START, 3_000, 0);
    assertThat(store.checkTxnStatus(PRIMARY, START, 0, at(T0 + 4_000), true, true, true))
        .isEqualTo(new TxnStatus.RolledBack(TxnStatus.Action.TTL_EXPIRE_PESSIMISTIC_ROLLBACK));
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).isEmpty();

    // An open in-process transaction: TiDB's heartbeat keeps its primary alive past the TTL.
    long open = START + 10;
    store.heartbeat(open, true);
    store.acquirePessimisticLocks(List.of(PRIMARY), PRIMARY, open, open, 3_000, 0);
    TxnStatus alive = store.checkTxnStatus(PRIMARY, open, 0, at(T0 + 60_000), true, false, true);
    assertThat(alive).isInstanceOf(TxnStatus.Locked.class);
    assertThat(((TxnStatus.Locked) alive).ttlMillis()).isGreaterThan(60_000);
  }

  @Test
  void resolveLocksCommitsOrRollsBackTheGivenTransactionsInTheSpanOnly() {
    long committed = START;
    long rolledBack = START + 1;
    long untouched = START + 2;
    store.prewrite(List.of(Mutation.put(ROW, "c".getBytes())), PRIMARY, committed, 3_000);
    store.prewrite(List.of(Mutation.put(TableCodec.recordKey(100, 3), "r".getBytes())), PRIMARY, rolledBack, 3_000);
    store.prewrite(List.of(Mutation.put(TableCodec.recordKey(100, 4), "u".getBytes())), PRIMARY, untouched, 3_000);
    store.prewrite(List.of(Mutation.put(OTHER_TABLE, "o".getBytes())), PRIMARY, committed, 3_000);
    seen.clear();

    long commitTs = at(T0 + 100);
    int resolved = store.resolveLocks(TABLE_100, Map.of(committed, commitTs, rolledBack, 0L));
    assertThat(resolved).isEqualTo(2);
    assertThat(store.get(ROW, commitTs).orElseThrow().value()).isEqualTo("c".getBytes());
    assertThat(store.get(TableCodec.recordKey(100, 3), commitTs)).isEmpty();
    assertThat(seen).extracting(MvccChange::kind).containsExactly(MvccChange.Kind.COMMIT, MvccChange.Kind.ROLLBACK);
    // The other region's lock of the committed transaction and the other transaction stay.
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).extracting(MvccLock::startTs).containsExactly(untouched, committed);

    assertThatThrownBy(() -> store.resolveLocks(TABLE_100, Map.of(untouched, untouched - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid txn tso");
    assertThat(store.scanLocks(TABLE_100, Long.MAX_VALUE, 10)).hasSize(1);
  }

  @Test
  void resolveLockKeysCommitsOrCleansUpJustThoseKeysAllOrNothing() {
    orphan(true, at(T0 + 5));
    store.resolveLockKeys(List.of(ROW), START, at(T0 + 5));
    assertThat(store.get(ROW, at(T0 + 5)).orElseThrow().value()).isEqualTo("r".getBytes());
    // Again: the key is committed already, which is fine; rolling it back is not.
    store.resolveLockKeys(List.of(ROW), START, at(T0 + 5));
    assertThatThrownBy(() -> store.resolveLockKeys(List.of(ROW), START, 0)).isInstanceOf(AlreadyCommittedException.class);

    long other = START + 7;
    store.prewrite(List.of(Mutation.put(OTHER_TABLE, "x".getBytes())), OTHER_TABLE, other, 3_000);
    // Committing a key the transaction never locked fails and changes nothing.
    assertThatThrownBy(() -> store.resolveLockKeys(List.of(OTHER_TABLE, TableCodec.recordKey(100, 9)), other,
        at(T0 + 50))).isInstanceOf(TxnLockNotFoundException.class);
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).extracting(MvccLock::startTs).containsExactly(other);
    store.resolveLockKeys(List.of(OTHER_TABLE), other, 0);
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).isEmpty();
    assertThat(store.get(OTHER_TABLE, at(T0 + 50))).isEmpty();
  }

  @Test
  void committingAPessimisticLockOnlyRemovesIt() {
    store.acquirePessimisticLocks(List.of(ROW), PRIMARY, START, START, 3_000, 0);
    seen.clear();
    assertThat(store.resolveLocks(TABLE_100, Map.of(START, at(T0 + 5)))).isEqualTo(1);
    assertThat(store.scanLocks(ALL, Long.MAX_VALUE, 10)).isEmpty();
    assertThat(store.get(ROW, at(T0 + 5))).isEmpty();
    assertThat(seen).isEmpty();
  }
}
