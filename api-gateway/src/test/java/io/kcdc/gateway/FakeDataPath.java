package io.kcdc.gateway;

import io.kcdc.common.Tso;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.gateway.owner.ChangefeedProgress;
import io.kcdc.gateway.owner.ChangefeedRuntime;
import io.kcdc.gateway.owner.LocalProcessors;
import io.kcdc.gateway.owner.UpstreamClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory data path and upstream for the API tests: remembers which changefeeds run, reports
 * progress the test sets, and hands out TSOs from the wall clock.
 */
final class FakeDataPath implements ChangefeedRuntime, UpstreamClient, LocalProcessors {
  static final long CLUSTER_ID = 7113L;

  final Set<ChangefeedId> running = ConcurrentHashMap.newKeySet();
  final List<ChangefeedId> removed = new CopyOnWriteArrayList<>();
  final Map<ChangefeedId, Long> emitted = new ConcurrentHashMap<>();
  final Map<ChangefeedId, ChangefeedProgress> progress = new ConcurrentHashMap<>();
  final Map<String, Long> serviceSafePoints = new ConcurrentHashMap<>();
  final Map<String, Long> serviceSafePointTtls = new ConcurrentHashMap<>();
  /** The info each changefeed was last started with. */
  final Map<ChangefeedId, ChangefeedInfo> startedWith = new ConcurrentHashMap<>();
  volatile VerifiedTables tables = new VerifiedTables(List.of(), List.of());
  volatile RuntimeException tsoFailure;
  final List<List<String>> localReconciles = new CopyOnWriteArrayList<>();
  volatile long gcSafePoint = 1;
  private final AtomicLong logical = new AtomicLong();

  /** What {@link #validate} throws, as the real data path does for a sink it cannot use. */
  volatile RuntimeException validateFailure;

  @Override
  public void validate(ChangefeedInfo info) {
    if (validateFailure != null) {
      throw validateFailure;
    }
  }

  @Override
  public void ensureRunning(ChangefeedInfo info, long checkpointTs) {
    running.add(ChangefeedId.of(info));
    startedWith.put(ChangefeedId.of(info), info);
  }

  @Override
  public void ensureStopped(ChangefeedInfo info) {
    running.remove(ChangefeedId.of(info));
  }

  @Override
  public void remove(String namespace, String changefeedId) {
    ChangefeedId id = new ChangefeedId(namespace, changefeedId);
    running.remove(id);
    removed.add(id);
  }

  @Override
  public Optional<ChangefeedProgress> progress(ChangefeedInfo info) {
    ChangefeedId id = ChangefeedId.of(info);
    return running.contains(id) ? Optional.ofNullable(progress.get(id)) : Optional.empty();
  }

  @Override
  public void emitCheckpoint(ChangefeedInfo info, long checkpointTs) {
    emitted.put(ChangefeedId.of(info), checkpointTs);
  }

  void report(String id, long resolved, long checkpoint, Map<String, List<Long>> tables, RunningError error) {
    progress.put(new ChangefeedId("default", id),
        new ChangefeedProgress(resolved, checkpoint, tables, Optional.ofNullable(error)));
  }

  void report(String id, long resolved, long checkpoint, long lastSynced) {
    progress.put(new ChangefeedId("default", id),
        new ChangefeedProgress(resolved, checkpoint, Map.of(), Optional.empty(), lastSynced));
  }

  @Override
  public long currentTso() {
    RuntimeException failure = tsoFailure;
    if (failure != null) {
      throw failure;
    }
    return Tso.compose(System.currentTimeMillis(), logical.incrementAndGet() & 0x3ffff);
  }

  @Override
  public long gcSafePoint() {
    return gcSafePoint;
  }

  @Override
  public void updateServiceGcSafePoint(String serviceId, long ttlSeconds, long safePoint) {
    serviceSafePoints.put(serviceId, safePoint);
    serviceSafePointTtls.put(serviceId, ttlSeconds);
  }

  @Override
  public VerifiedTables verifyTables(long startTs, List<String> filterRules, boolean caseSensitive) {
    return tables;
  }

  @Override
  public long clusterId() {
    return CLUSTER_ID;
  }

  @Override
  public boolean reconcile(List<ChangefeedInfo> runningHere) {
    localReconciles.add(runningHere.stream().map(ChangefeedInfo::id).toList());
    return true;
  }
}
