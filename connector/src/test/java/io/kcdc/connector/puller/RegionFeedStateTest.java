package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kcdc.connector.tikv.RegionInfo;
import io.kcdc.connector.tikv.TikvException;
import io.kcdc.kvproto.Cdcpb.Event.LogType;
import io.kcdc.kvproto.Cdcpb.Event.Row;
import io.kcdc.kvproto.Metapb;
import io.kcdc.tidb.TableCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionFeedStateTest {
  private static final long TABLE = 100;
  private static final byte[] K1 = TableCodec.recordKey(TABLE, 1);
  private static final byte[] K2 = TableCodec.recordKey(TABLE, 2);

  private static RegionFeedState state(long checkpoint) {
    RegionInfo region = new RegionInfo(Metapb.Region.newBuilder().setId(7).build(), Metapb.Peer.newBuilder().setStoreId(1).build());
    return new RegionFeedState(1, region, TableCodec.tableSpan(TABLE), checkpoint, checkpoint, 1);
  }

  private static Row row(LogType type, Row.OpType op, byte[] key, long start, long commit, String value, String old) {
    return Row.newBuilder().setType(type).setOpType(op).setKey(ByteString.copyFrom(key))
        .setStartTs(start).setCommitTs(commit)
        .setValue(ByteString.copyFromUtf8(value)).setOldValue(ByteString.copyFromUtf8(old)).build();
  }

  private static Row prewrite(byte[] key, long start, String value, String old) {
    return row(LogType.PREWRITE, Row.OpType.PUT, key, start, 0, value, old);
  }

  private static Row commit(byte[] key, long start, long commit) {
    return row(LogType.COMMIT, Row.OpType.PUT, key, start, commit, "", "");
  }

  private static final Row INITIALIZED = Row.newBuilder().setType(LogType.INITIALIZED).build();

  @Test
  void committedRowsOfTheScanAreEmittedAsIs() {
    RegionFeedState s = state(10);
    List<RawKvEntry> out = s.handleRows(List.of(row(LogType.COMMITTED, Row.OpType.PUT, K1, 11, 12, "v", "o"), INITIALIZED));
    assertThat(out).singleElement().satisfies(e -> {
      assertThat(e.op()).isEqualTo(RawKvEntry.OpType.PUT);
      assertThat(e.key()).isEqualTo(K1);
      assertThat(new String(e.value())).isEqualTo("v");
      assertThat(new String(e.oldValue())).isEqualTo("o");
      assertThat(e.startTs()).isEqualTo(11);
      assertThat(e.commitTs()).isEqualTo(12);
      assertThat(e.regionId()).isEqualTo(7);
      assertThat(e.isUpdate()).isTrue();
    });
    assertThat(s.initialized()).isTrue();
  }

  @Test
  void commitTakesValueAndOldValueFromItsPrewrite() {
    RegionFeedState s = state(10);
    s.handleRows(List.of(INITIALIZED));
    assertThat(s.handleRows(List.of(prewrite(K1, 20, "new", "old")))).isEmpty();
    List<RawKvEntry> out = s.handleRows(List.of(commit(K1, 20, 21)));
    assertThat(out).singleElement().satisfies(e -> {
      assertThat(new String(e.value())).isEqualTo("new");
      assertThat(new String(e.oldValue())).isEqualTo("old");
      assertThat(e.commitTs()).isEqualTo(21);
    });
  }

  @Test
  void commitsBeforeInitializedAreCachedAndReplayedAndUnmatchedOnesDropped() {
    RegionFeedState s = state(10);
    s.handleRows(List.of(prewrite(K1, 20, "a", "")));
    // K2's prewrite was seen by the scan only (as COMMITTED); its COMMIT has no prewrite.
    assertThat(s.handleRows(List.of(commit(K2, 15, 16)))).isEmpty();
    assertThat(s.handleRows(List.of(row(LogType.COMMITTED, Row.OpType.PUT, K2, 15, 16, "b", "")))).hasSize(1);
    // A commit whose prewrite is known matches even before INITIALIZED.
    assertThat(s.handleRows(List.of(commit(K1, 20, 22)))).hasSize(1);
    assertThat(s.handleRows(List.of(INITIALIZED))).isEmpty();
  }

  @Test
  void commitArrivingBeforeItsPrewriteIsMatchedAfterInitialized() {
    RegionFeedState s = state(10);
    s.handleRows(List.of(commit(K1, 20, 22)));
    s.handleRows(List.of(prewrite(K1, 20, "late", "")));
    List<RawKvEntry> out = s.handleRows(List.of(INITIALIZED));
    assertThat(out).singleElement().satisfies(e -> assertThat(new String(e.value())).isEqualTo("late"));
  }

  @Test
  void heartbeatPrewriteWithoutValueDoesNotOverwrite() {
    RegionFeedState s = state(10);
    s.handleRows(List.of(INITIALIZED, prewrite(K1, 20, "v", ""), prewrite(K1, 20, "", "")));
    assertThat(s.handleRows(List.of(commit(K1, 20, 21)))).singleElement()
        .satisfies(e -> assertThat(new String(e.value())).isEqualTo("v"));
  }

  @Test
  void rollbackRemovesThePrewrite() {
    RegionFeedState s = state(10);
    s.handleRows(List.of(INITIALIZED, prewrite(K1, 20, "v", "")));
    s.handleRows(List.of(row(LogType.ROLLBACK, Row.OpType.UNKNOWN, K1, 20, 0, "", "")));
    assertThatThrownBy(() -> s.handleRows(List.of(commit(K1, 20, 21))))
        .isInstanceOf(TikvException.Fatal.class).hasMessageContaining("prewrite not match");
  }

  @Test
  void deleteHasNoValue() {
    RegionFeedState s = state(10);
    s.handleRows(List.of(INITIALIZED, row(LogType.PREWRITE, Row.OpType.DELETE, K1, 20, 0, "", "old")));
    Row c = row(LogType.COMMIT, Row.OpType.DELETE, K1, 20, 21, "", "");
    assertThat(s.handleRows(List.of(c))).singleElement().satisfies(e -> {
      assertThat(e.op()).isEqualTo(RawKvEntry.OpType.DELETE);
      assertThat(e.value()).isEmpty();
      assertThat(new String(e.oldValue())).isEqualTo("old");
      assertThat(e.isUpdate()).isFalse();
    });
  }

  @Test
  void resolvedTsOnlyAfterInitializedAndOnlyForward() {
    RegionFeedState s = state(10);
    assertThat(s.advance(30)).isFalse();
    assertThat(s.resolvedTs()).isEqualTo(10);
    s.handleRows(List.of(INITIALIZED));
    assertThat(s.advance(30)).isTrue();
    assertThat(s.advance(25)).isFalse();
    assertThat(s.resolvedTs()).isEqualTo(30);
  }

  @Test
  void commitAtOrBelowResolvedTsIsFatal() {
    RegionFeedState s = state(10);
    s.handleRows(List.of(INITIALIZED));
    s.advance(30);
    assertThatThrownBy(() -> s.handleRows(List.of(row(LogType.COMMITTED, Row.OpType.PUT, K1, 20, 30, "v", ""))))
        .isInstanceOf(TikvException.Fatal.class).hasMessageContaining("resolved ts 30");
  }

  @Test
  void rowsOutsideTheRequestedSpanAreDropped() {
    RegionFeedState s = state(10);
    byte[] other = TableCodec.recordKey(TABLE + 1, 1);
    assertThat(s.handleRows(List.of(row(LogType.COMMITTED, Row.OpType.PUT, other, 11, 12, "v", "")))).isEmpty();
  }

  /**
   * The interleaving that used to break the table's resolved ts: the stream thread has advanced a
   * region (its message also carried a row at 25, not queued yet) when another thread ends the
   * registration (stream failure, close). The unlock must keep the span at what was published
   * after queued rows (10), not at the state's 30; the stream thread's late publication after
   * queueing must not move the freed range either.
   */
  @Test
  void anUnlockInTheMiddleOfAMessageNeverPublishesItsUnqueuedResolvedTs() {
    RangeLock lock = new RangeLock(TableCodec.tableSpan(TABLE), 10);
    RangeLock.Locked locked = (RangeLock.Locked) lock.lock(TableCodec.tableSpan(TABLE), 7, 1);
    RegionFeedState s = new RegionFeedState(1, new RegionInfo(Metapb.Region.newBuilder().setId(7).build(),
        Metapb.Peer.newBuilder().setStoreId(1).build()), TableCodec.tableSpan(TABLE), 10, 10, locked.token());
    s.handleRows(List.of(INITIALIZED));
    // Stream thread, one message: a row at 25, then the region's resolved ts 30.
    List<RawKvEntry> unqueued = s.handleRows(List.of(row(LogType.COMMITTED, Row.OpType.PUT, K1, 20, 25, "v", "")));
    assertThat(s.advance(30)).isTrue();
    // Another thread ends the registration now.
    assertThat(lock.unlock(s.lockToken())).isTrue();
    assertThat(lock.resolvedTs()).isLessThan(unqueued.get(0).commitTs());
    // The stream thread queues the row, then publishes: the freed range stays where it was.
    lock.advance(s.lockToken(), s.resolvedTs());
    assertThat(lock.resolvedTs()).isEqualTo(10);
    // Re-registering resumes from there, so the row comes again rather than never.
    RangeLock.Result again = lock.lock(TableCodec.tableSpan(TABLE), 7, 1);
    assertThat(((RangeLock.Locked) again).checkpointTs()).isEqualTo(10);
  }

  @Test
  void unknownOpTypeIsFatal() {
    RegionFeedState s = state(10);
    assertThatThrownBy(() -> s.handleRows(List.of(row(LogType.COMMITTED, Row.OpType.UNKNOWN, K1, 11, 12, "v", ""))))
        .isInstanceOf(TikvException.Fatal.class);
  }
}
