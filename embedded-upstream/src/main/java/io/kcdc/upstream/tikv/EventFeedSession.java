package io.kcdc.upstream.tikv;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.Errorpb;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.RegionMetas;
import io.kcdc.upstream.kv.MvccChange;
import io.kcdc.upstream.kv.MvccListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One EventFeed stream: the regions registered on it, their incremental scans, live rows and
 * resolved ts. Everything sent goes through one single-threaded sender, in the order it was
 * produced; live rows are produced under the store lock, so a resolved ts computed after a lock
 * scan is always queued after the commits that scan no longer saw. How registrations are keyed,
 * deregistered and resolved depends on the store's {@link TikvVersion} and on whether the stream
 * asked for {@code stream-multiplexing} (docs/tikv-eventfeed.md).
 */
final class EventFeedSession implements StreamObserver<Cdcpb.ChangeDataRequest>, MvccListener {
  /**
   * The requested range as TiKV observes it: keys are memcomparable-encoded; a key that does not
   * decode as such (PingCAP's Java CDCClient sends raw keys) makes TiKV observe the whole region
   * and leave the filtering to the client.
   */
  static KeySpan observedRange(byte[] start, byte[] end) {
    if (isEncoded(start) && isEncoded(end)) {
      return new KeySpan(start, end);
    }
    LOG.warn("invalid observed start or end key (not memcomparable-encoded), observing the whole region");
    return new KeySpan(new byte[0], new byte[0]);
  }

  private static boolean isEncoded(byte[] key) {
    if (key.length == 0) {
      return true;
    }
    try {
      return Codec.decodeBytes(key, 0).next() == key.length;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventFeedSession.class);

  private final StoreContext ctx;
  private final ServerCallStreamObserver<Cdcpb.ChangeDataEvent> out;
  private final Runnable onClose;
  private final ExecutorService sender;
  private final Map<Registration.Key, Registration> registrations = new ConcurrentHashMap<>();
  /** The same registrations by table, for live rows to find theirs. */
  private final RegistrationIndex index = new RegistrationIndex();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** EventFeedV2 with the {@code stream-multiplexing} feature: resolved ts batched per request id. */
  private final boolean multiplexing;

  EventFeedSession(StoreContext ctx, ServerCallStreamObserver<Cdcpb.ChangeDataEvent> out, boolean multiplexing,
      Runnable onClose) {
    this.ctx = ctx;
    this.multiplexing = multiplexing;
    this.out = out;
    this.onClose = onClose;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "event-feed-sender-store-" + ctx.storeId());
      t.setDaemon(true);
      return t;
    });
    out.setOnCancelHandler(this::close);
    ctx.store().addListener(this);
  }

  @Override
  public void onNext(Cdcpb.ChangeDataRequest req) {
    if (!ctx.version().keysRegistrationsByRequest()) {
      // TiKV before 7.3 registers whatever it receives (components/cdc/src/service.rs, release-7.1).
      register(req);
      return;
    }
    switch (req.getRequestCase()) {
      case DEREGISTER -> deregister(req);
      case NOTIFY_TXN_STATUS -> {
        // Only used for pipelined/async-commit transactions, which the embedded store does not make.
      }
      default -> register(req);
    }
  }

  @Override
  public void onError(Throwable t) {
    close();
  }

  @Override
  public void onCompleted() {
    // Let queued events go out first; then the client sees EOF (TiCDC's multiplexing probe wants that).
    send(() -> out.onCompleted());
    close();
  }

  private void register(Cdcpb.ChangeDataRequest req) {
    long requestCluster = req.getHeader().getClusterId();
    if (requestCluster != 0 && requestCluster != ctx.clusterId()) {
      sendError(req.getRequestId(), req.getRegionId(), Cdcpb.Error.newBuilder()
          .setClusterIdMismatch(Cdcpb.ClusterIDMismatch.newBuilder()
              .setCurrent(ctx.clusterId()).setRequest(requestCluster)).build());
      return;
    }
    // Holding the table keeps a split from slipping between the epoch check and the scan.
    synchronized (ctx.regions()) {
      Region region = ctx.regions().byId(req.getRegionId());
      if (region == null) {
        sendError(req.getRequestId(), req.getRegionId(), Cdcpb.Error.newBuilder()
            .setRegionNotFound(Errorpb.RegionNotFound.newBuilder().setRegionId(req.getRegionId())).build());
        return;
      }
      // TiKV checks the connection's registrations right after finding the region, before the
      // epoch and the leader (endpoint.rs on_register): a duplicate wins over a stale epoch.
      Registration.Key key = new Registration.Key(
          ctx.version().keysRegistrationsByRequest() ? req.getRequestId() : 0, req.getRegionId());
      if (registrations.containsKey(key)) {
        sendError(req.getRequestId(), req.getRegionId(), Cdcpb.Error.newBuilder()
            .setDuplicateRequest(Cdcpb.DuplicateRequest.newBuilder().setRegionId(req.getRegionId())).build());
        return;
      }
      if (!region.epochMatches(req.getRegionEpoch().getConfVer(), req.getRegionEpoch().getVersion())) {
        sendError(req.getRequestId(), req.getRegionId(), epochNotMatch(
            ctx.regions().scan(region.span().start(), region.span().end(), 0)));
        return;
      }
      if (region.leader().storeId() != ctx.storeId()) {
        sendError(req.getRequestId(), req.getRegionId(), Cdcpb.Error.newBuilder()
            .setNotLeader(Errorpb.NotLeader.newBuilder()
                .setRegionId(region.id()).setLeader(RegionMetas.peer(region.leader()))).build());
        return;
      }
      if (ctx.faults().takeBusy(region.id())) {
        sendError(req.getRequestId(), req.getRegionId(), serverIsBusy());
        return;
      }
      if (req.getCheckpointTs() < ctx.store().gcSafePoint()) {
        // TiKV answers a request it cannot serve for a non-region reason with an error event
        // carrying no region error; the versions above such a checkpoint are gone.
        LOG.info("register of region {} at {} is below the GC safepoint {}", region.id(), req.getCheckpointTs(),
            ctx.store().gcSafePoint());
        sendError(req.getRequestId(), req.getRegionId(), Cdcpb.Error.getDefaultInstance());
        return;
      }
      KeySpan span = observedRange(req.getStartKey().toByteArray(), req.getEndKey().toByteArray())
          .intersect(region.span());
      Registration reg = new Registration(key, req.getRequestId(), req.getRegionId(), span,
          req.getExtraOp() == Kvrpcpb.ExtraOp.ReadOldValue);
      registrations.put(key, reg);
      index.add(reg);
      if (span == null) {
        send(reg, List.of(CdcRows.initialized()));
        reg.initialized = true;
        return;
      }
      ctx.store().incrementalScan(span, req.getCheckpointTs(), rows -> {
        List<Cdcpb.Event.Row> scanned = new ArrayList<>(rows.size() + 1);
        for (MvccChange c : rows) {
          scanned.add(CdcRows.row(c, reg.oldValue));
        }
        scanned.add(CdcRows.initialized());
        EventBatches.of(List.of(new EventBatches.RegionRows(event(reg), scanned))).forEach(this::sendMaybeTwice);
        reg.initialized = true;
      });
    }
  }

  /**
   * Deregisters one region of a request, or with region id 0 every region of it; each removed
   * registration ends with a {@code region_not_found} error event, queued after what it already
   * sent (endpoint.rs on_deregister: Deregister::Region / Deregister::Request).
   */
  private void deregister(Cdcpb.ChangeDataRequest req) {
    synchronized (ctx.regions()) {
      for (Registration reg : registrations.values()) {
        if (reg.requestId == req.getRequestId() && (req.getRegionId() == 0 || reg.regionId == req.getRegionId())
            && removed(reg)) {
          sendError(reg.requestId, reg.regionId, Cdcpb.Error.newBuilder()
              .setRegionNotFound(Errorpb.RegionNotFound.newBuilder().setRegionId(reg.regionId)).build());
        }
      }
    }
  }

  /** Removes a registration that is still there; false when another path removed it first. */
  private boolean removed(Registration reg) {
    index.remove(reg); // first: no live row reaches it once it is gone
    return registrations.remove(reg.key(), reg);
  }

  /** Live rows; runs under the store lock. */
  @Override
  public void onChanges(List<MvccChange> changes) {
    if (registrations.isEmpty()) {
      return;
    }
    Map<Registration, List<Cdcpb.Event.Row>> rows = new LinkedHashMap<>();
    for (MvccChange change : changes) {
      index.forEachObserving(change.rawKey(), Codec.encodeBytes(change.rawKey()), reg -> {
        if (reg.initialized) {
          rows.computeIfAbsent(reg, r -> new ArrayList<>()).add(CdcRows.row(change, reg.oldValue));
        }
      });
    }
    if (rows.isEmpty()) {
      return;
    }
    List<EventBatches.RegionRows> byRegion = new ArrayList<>();
    rows.forEach((reg, rs) -> byRegion.add(new EventBatches.RegionRows(event(reg), rs)));
    EventBatches.of(byRegion).forEach(this::sendMaybeTwice);
  }

  /**
   * One resolved-ts round: each initialized registration advances to {@code min(tsoTs, oldest
   * lock start ts)}, never going back, over the locks of its whole region, or from 8.3 on of its
   * own range (delegate.rs on_min_ts); the results go out in TiKV's batches, keyed by request id
   * on a multiplexed stream and by 0 otherwise ({@link ResolvedTsBatches}). {@code tsoTs} must be
   * taken from the TSO before this call.
   */
  void sendResolvedTs(long tsoTs) {
    Map<Long, Long> minLockByRegion = new HashMap<>();
    List<ResolvedTsBatches.Entry> entries = new ArrayList<>();
    for (Registration reg : registrations.values()) {
      if (!reg.initialized) {
        continue;
      }
      Region region = ctx.regions().byId(reg.regionId);
      if (region == null) {
        continue;
      }
      long minLock;
      if (ctx.version().resolvesPerDownstream()) {
        minLock = reg.span == null ? Long.MAX_VALUE : ctx.store().minLockStartTs(reg.span);
      } else {
        minLock = minLockByRegion.computeIfAbsent(region.id(), id -> ctx.store().minLockStartTs(region.span()));
      }
      long ts;
      synchronized (reg) {
        ts = ctx.faults().resolvedTsStalled(region.id())
            ? reg.lastResolvedTs
            : Math.max(reg.lastResolvedTs, Math.min(tsoTs, minLock));
        reg.lastResolvedTs = ts;
      }
      if (ts != 0) {
        entries.add(new ResolvedTsBatches.Entry(multiplexing ? reg.requestId : 0, reg.regionId, ts));
      }
    }
    for (Cdcpb.ResolvedTs r : ResolvedTsBatches.of(entries)) {
      sendMaybeTwice(Cdcpb.ChangeDataEvent.newBuilder().setResolvedTs(r).build());
    }
  }

  /** A region this stream observes changed epoch: its registrations end with epoch_not_match. */
  void regionChanged(Region old, List<Region> replacements) {
    for (Registration reg : registrations.values()) {
      if (reg.regionId == old.id() && removed(reg)) {
        sendError(reg.requestId, reg.regionId, epochNotMatch(replacements));
      }
    }
  }

  /** The region was merged away: its registrations end with region_not_found. */
  void regionRemoved(Region old) {
    endRegistrations(old.id(), Cdcpb.Error.newBuilder()
        .setRegionNotFound(Errorpb.RegionNotFound.newBuilder().setRegionId(old.id())).build());
  }

  /** The region's leader moved to another store: registrations here end with not_leader. */
  void leaderChanged(Region now) {
    if (now.leader().storeId() == ctx.storeId()) {
      return;
    }
    endRegistrations(now.id(), Cdcpb.Error.newBuilder()
        .setNotLeader(Errorpb.NotLeader.newBuilder().setRegionId(now.id()).setLeader(RegionMetas.peer(now.leader())))
        .build());
  }

  /** Ends the registrations of a region with server_is_busy, as an overloaded TiKV does. */
  void busy(long regionId) {
    endRegistrations(regionId, serverIsBusy());
  }

  private void endRegistrations(long regionId, Cdcpb.Error error) {
    for (Registration reg : registrations.values()) {
      if (reg.regionId == regionId && removed(reg)) {
        sendError(reg.requestId, reg.regionId, error);
      }
    }
  }

  private static Cdcpb.Error serverIsBusy() {
    return Cdcpb.Error.newBuilder()
        .setServerIsBusy(Errorpb.ServerIsBusy.newBuilder().setReason("injected: server is busy").setBackoffMs(100))
        .build();
  }

  int registrationCount() {
    return registrations.size();
  }

  /** Live registrations observing part of {@code encodedSpan}. */
  int registrationsIn(KeySpan encodedSpan) {
    int n = 0;
    for (Registration reg : registrations.values()) {
      if (reg.span != null && reg.span.intersect(encodedSpan) != null) {
        n++;
      }
    }
    return n;
  }

  private static Cdcpb.Error epochNotMatch(List<Region> current) {
    Errorpb.EpochNotMatch.Builder b = Errorpb.EpochNotMatch.newBuilder();
    current.forEach(r -> b.addCurrentRegions(RegionMetas.region(r)));
    return Cdcpb.Error.newBuilder().setEpochNotMatch(b).build();
  }

  private static Cdcpb.Event.Builder event(Registration reg) {
    return Cdcpb.Event.newBuilder().setRegionId(reg.regionId).setRequestId(reg.requestId);
  }

  private void send(Registration reg, List<Cdcpb.Event.Row> rows) {
    Cdcpb.ChangeDataEvent e = Cdcpb.ChangeDataEvent.newBuilder()
        .addEvents(event(reg).setEntries(Cdcpb.Event.Entries.newBuilder().addAllEntries(rows)))
        .build();
    sendMaybeTwice(e);
  }

  private void sendError(long requestId, long regionId, Cdcpb.Error error) {
    Cdcpb.ChangeDataEvent e = Cdcpb.ChangeDataEvent.newBuilder()
        .addEvents(Cdcpb.Event.newBuilder().setRegionId(regionId).setRequestId(requestId).setError(error))
        .build();
    send(() -> out.onNext(e));
  }

  /**
   * Sends an event; with duplication on, a second copy of its entries follows, leaving out the
   * COMMIT rows (TiKV never repeats those: a second COMMIT without its PREWRITE is a protocol
   * error to TiCDC) and INITIALIZED.
   */
  private void sendMaybeTwice(Cdcpb.ChangeDataEvent e) {
    send(() -> out.onNext(e));
    if (!ctx.faults().duplicates(ctx.storeId())) {
      return;
    }
    if (e.hasResolvedTs()) {
      send(() -> out.onNext(e));
      return;
    }
    Cdcpb.ChangeDataEvent.Builder copy = Cdcpb.ChangeDataEvent.newBuilder();
    for (Cdcpb.Event ev : e.getEventsList()) {
      List<Cdcpb.Event.Row> rows = ev.getEntries().getEntriesList().stream()
          .filter(r -> r.getType() != Cdcpb.Event.LogType.COMMIT && r.getType() != Cdcpb.Event.LogType.INITIALIZED)
          .toList();
      if (!rows.isEmpty()) {
        copy.addEvents(ev.toBuilder().setEntries(Cdcpb.Event.Entries.newBuilder().addAllEntries(rows)));
      }
    }
    if (copy.getEventsCount() > 0) {
      Cdcpb.ChangeDataEvent again = copy.build();
      send(() -> out.onNext(again));
    }
  }

  private void send(Runnable action) {
    long due = System.nanoTime() + ctx.faults().delay(ctx.storeId()).toNanos();
    try {
      sender.execute(() -> {
        try {
          long wait = due - System.nanoTime();
          if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
          action.run();
        } catch (RuntimeException e) {
          // The call was cancelled or completed under us: the stream is gone.
          LOG.debug("event feed send failed on store {}", ctx.storeId(), e);
          close();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("event feed on store {} already closed", ctx.storeId());
    }
  }

  /** Ends the stream with a gRPC error after what is queued, as a store going down does. */
  void abort(io.grpc.Status status) {
    send(() -> out.onError(status.asRuntimeException()));
    close();
  }

  void close() {
    if (closed.compareAndSet(false, true)) {
      ctx.store().removeListener(this);
      registrations.clear();
      index.clear();
      onClose.run();
      // Queued events still go out (e.g. onCompleted); nothing new is accepted.
      sender.shutdown();
    }
  }
}
