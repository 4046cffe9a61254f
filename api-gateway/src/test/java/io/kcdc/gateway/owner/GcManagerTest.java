package io.kcdc.gateway.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.ChangefeedState;
import io.kcdc.gateway.model.ChangefeedStatus;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.gateway.owner.GcManager.Update;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which changefeeds hold back GC and where the service safepoint goes: TiCDC's
 * {@code ChangeFeedInfo.NeedBlockGC} (https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/model/changefeed.go),
 * the owner's {@code updateGCSafepoint} (https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/owner/owner.go) and
 * {@code gc.Manager} (https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/txnutil/gc/gc_manager.go).
 */
class GcManagerTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final long TTL = 86400;
  private static final RunningError KAFKA_DOWN = new RunningError(null, "a:1", "CDC:ErrKafkaNewProducer", "down");
  private static final RunningError GC_TTL = new RunningError(null, "a:1", "CDC:ErrGCTTLExceeded", "lag");
  private static final RunningError SNAPSHOT_LOST = new RunningError(null, "a:1", "CDC:ErrSnapshotLostByGC", "lost");

  private final GcManager gc = new GcManager(null, "ticdc-default-1", Duration.ofMinutes(1), TTL);
  private final Map<ChangefeedId, ChangefeedInfo> infos = new LinkedHashMap<>();
  private final Map<ChangefeedId, ChangefeedStatus> statuses = new LinkedHashMap<>();

  private ChangefeedId feed(String id, ChangefeedState state, RunningError error, long checkpoint) {
    ChangefeedInfo info = new ChangefeedInfo(0, "default", id, "blackhole://", null, checkpoint, 0, 0, null, null,
        null, state, error, null, null, 0);
    ChangefeedId key = ChangefeedId.of(info);
    infos.put(key, info);
    statuses.put(key, new ChangefeedStatus(checkpoint, checkpoint, state.adminJobType()));
    return key;
  }

  @Test
  void changefeedsThatMayResumeHoldBackGc() {
    for (ChangefeedState s : new ChangefeedState[] {ChangefeedState.NORMAL, ChangefeedState.STOPPED,
        ChangefeedState.PENDING, ChangefeedState.WARNING, ChangefeedState.UNINITIALIZED}) {
      feed(s.name(), s, s == ChangefeedState.PENDING ? KAFKA_DOWN : null, 10);
    }
    feed("failed", ChangefeedState.FAILED, KAFKA_DOWN, 10);
    infos.values().forEach(info -> assertThat(GcManager.blocksGc(info)).as(info.id()).isTrue());
  }

  @Test
  void finishedRemovedAndFailedByGcLetGcPass() {
    assertThat(GcManager.blocksGc(infoOf(feed("f", ChangefeedState.FINISHED, null, 10)))).isFalse();
    assertThat(GcManager.blocksGc(infoOf(feed("r", ChangefeedState.REMOVED, null, 10)))).isFalse();
    assertThat(GcManager.blocksGc(infoOf(feed("ttl", ChangefeedState.FAILED, GC_TTL, 10)))).isFalse();
    assertThat(GcManager.blocksGc(infoOf(feed("lost", ChangefeedState.FAILED, SNAPSHOT_LOST, 10)))).isFalse();
  }

  @Test
  void safepointIsTheSmallestBlockingCheckpointMinusOneWithTheGcTtl() {
    feed("fast", ChangefeedState.NORMAL, null, 500);
    feed("paused", ChangefeedState.STOPPED, null, 300);
    feed("failed", ChangefeedState.FAILED, KAFKA_DOWN, 200);
    feed("done", ChangefeedState.FINISHED, null, 100);
    feed("gc-failed", ChangefeedState.FAILED, GC_TTL, 50);

    assertThat(gc.plan(infos, statuses)).contains(new Update(199, TTL));
  }

  @Test
  void checkpointsCompareUnsigned() {
    feed("low", ChangefeedState.NORMAL, null, 1L << 62);
    feed("high", ChangefeedState.NORMAL, null, 0x8000_0000_0000_0010L); // above 2^63: negative as a signed long

    assertThat(gc.plan(infos, statuses)).contains(new Update((1L << 62) - 1, TTL));
  }

  @Test
  void nothingToKeepWhenNoChangefeedHoldsBackGc() {
    feed("done", ChangefeedState.FINISHED, null, 100);
    ChangefeedId noStatus = feed("new", ChangefeedState.NORMAL, null, 90);
    statuses.remove(noStatus);

    assertThat(gc.plan(infos, statuses)).isEqualTo(Optional.empty());
  }

  @Test
  void snapshotIsLostOnceGcPassedTheCheckpoint() {
    ChangefeedId behind = feed("behind", ChangefeedState.STOPPED, null, 100);
    feed("at", ChangefeedState.NORMAL, null, 101);
    feed("finished", ChangefeedState.FINISHED, null, 10);

    Map<ChangefeedId, CdcException> lost = GcManager.lostSnapshots(infos, statuses, 100);

    assertThat(lost).containsOnlyKeys(behind);
    assertThat(lost.get(behind).code()).isEqualTo("CDC:ErrSnapshotLostByGC");
    assertThat(lost.get(behind).errorMsg()).contains("checkpoint-ts 100").contains("GC safepoint at 100");
  }

  @Test
  void refreshIsDueEveryIntervalOrWhenTheChangefeedsChange() {
    assertThat(gc.due(T0, Set.of())).isTrue(); // never refreshed
    feed("done", ChangefeedState.FINISHED, null, 100); // holds nothing back: no PD call is needed
    assertThat(gc.maintain(T0, infos, statuses)).isEmpty();

    assertThat(gc.due(T0.plusSeconds(59), infos.keySet())).isFalse();
    assertThat(gc.due(T0.plusSeconds(60), infos.keySet())).isTrue();
    assertThat(gc.due(T0.plusSeconds(1), Set.of(new ChangefeedId("default", "new")))).isTrue();
  }

  private ChangefeedInfo infoOf(ChangefeedId id) {
    return infos.get(id);
  }
}
