package io.kcdc.connector.puller;

import com.google.protobuf.ByteString;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.LockResolver;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.connector.tikv.RegionInfo;
import io.kcdc.connector.tikv.TikvException;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.TableCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TiCDC's puller for the tables of one task: each table's record spans are divided by regions
 * and registered on one EventFeed stream per TiKV store; matched rows and, every
 * {@code resolvedTsIntervalMs}, each table's advanced resolved ts go to the {@link EventQueue}
 * in an order where a table's resolved ts T follows all of its rows with commit ts <= T.
 * Region errors are handled as in TiCDC's shared client (§1.7): the region's range is unlocked
 * with its resolved ts and re-registered from there. Fatal errors are kept in {@link #failure()}.
 */
public final class Puller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
  /** TiKV gates features on this version string. */
  public static final String TICDC_VERSION = "8.5.0";
  private static final AtomicLong REQUEST_IDS = new AtomicLong();
  private static final int SCAN_REGION_LIMIT = 1024;
  private static final long RELOAD_DELAY_MS = 100;
  private static final long STREAM_RETRY_DELAY_MS = 1000;
  private static final long MAX_RETRY_DELAY_MS = 5000;

  private final RegionCache regions;
  private final ChannelPool channels;
  private final EventQueue queue;
  private final long resolvedTsIntervalMs;
  private final Map<Long, Subscription> byRequestId = new ConcurrentHashMap<>();
  private final Map<Long, TableState> tables = new ConcurrentHashMap<>();
  private final Map<String, EventFeedClient> streams = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kcdc-puller-scheduler");
    t.setDaemon(true);
    return t;
  });
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  /** Resolves the locks of regions whose resolved ts lags (orphan locks of a TiDB that died). */
  private final ResolveLockScheduler staleLocks;
  private volatile boolean closed;

  public Puller(RegionCache regions, ChannelPool channels, EventQueue queue, long resolvedTsIntervalMs) {
    this.regions = regions;
    this.channels = channels;
    this.queue = queue;
    this.resolvedTsIntervalMs = resolvedTsIntervalMs;
    this.staleLocks = ResolveLockScheduler.start(new LockResolver(regions, channels, Backoff.DEFAULT));
  }

  /** One subscribed physical table span. */
  private static final class Subscription {
    final long requestId;
    final long tableId;
    final long startTs;
    final RangeLock lock;

    Subscription(long requestId, long tableId, KeySpan span, long startTs) {
      this.requestId = requestId;
      this.tableId = tableId;
      this.startTs = startTs;
      this.lock = new RangeLock(span, startTs);
    }

    synchronized long resolvedTs() {
      return lock.resolvedTs();
    }
  }

  private static final class TableState {
    final List<Subscription> subscriptions = new ArrayList<>();
    long emittedResolvedTs;

    TableState(long startTs) {
      this.emittedResolvedTs = startTs;
    }
  }

  /**
   * Subscribes a logical table from {@code startTs}: the record spans of its physical tables
   * (the table itself, or each partition) are pulled and reported under {@code tableId}.
   */
  public void subscribe(long tableId, List<Long> physicalTableIds, long startTs) {
    TableState table = new TableState(startTs);
    for (long physicalId : physicalTableIds) {
      Subscription sub = new Subscription(REQUEST_IDS.incrementAndGet(), tableId, TableCodec.tableSpan(physicalId), startTs);
      table.subscriptions.add(sub);
      byRequestId.put(sub.requestId, sub);
    }
    tables.put(tableId, table);
    for (Subscription sub : table.subscriptions) {
      scheduler.execute(() -> loadRange(sub, sub.lock.span(), 0));
    }
  }

  /** Starts emitting table resolved ts every interval. */
  public void start() {
    scheduler.scheduleWithFixedDelay(this::emitResolved, resolvedTsIntervalMs, resolvedTsIntervalMs, TimeUnit.MILLISECONDS);
  }

  /** The fatal error that stopped the puller, or null. */
  public Throwable failure() {
    return failure.get();
  }

  /** The current resolved ts of a table (min over its ranges). */
  public long resolvedTs(long tableId) {
    TableState t = tables.get(tableId);
    long min = Long.MAX_VALUE;
    for (Subscription s : t.subscriptions) {
      min = Math.min(min, s.resolvedTs());
    }
    return min;
  }

  private void emitResolved() {
    if (closed) {
      return;
    }
    try {
      List<PullerEvent> out = new ArrayList<>();
      for (var e : tables.entrySet()) {
        long ts = resolvedTs(e.getKey());
        TableState t = e.getValue();
        if (ts > t.emittedResolvedTs) {
          t.emittedResolvedTs = ts;
          out.add(new PullerEvent.Resolved(e.getKey(), ts));
        }
      }
      if (!out.isEmpty()) {
        queue.add(out, () -> { });
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  // ---- region (re)registration, on the scheduler thread ----

  private void schedule(Runnable r, long delayMs) {
    if (!closed) {
      scheduler.schedule(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          fail(e);
        }
      }, delayMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Divides {@code span} by the regions PD knows now and registers each part. */
  private void loadRange(Subscription sub, KeySpan span, int attempt) {
    if (closed) {
      return;
    }
    RegionDivider.Division division;
    try {
      division = RegionDivider.divide(span, regions.scan(span, SCAN_REGION_LIMIT));
    } catch (TikvException.Fatal e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("loading regions of {} failed, retrying: {}", span, e.getMessage());
      schedule(() -> loadRange(sub, span, attempt + 1), retryDelay(attempt));
      return;
    }
    for (RegionDivider.RegionSpan part : division.covered()) {
      registerRegion(sub, part.region(), part.span(), attempt);
    }
    for (KeySpan gap : division.gaps()) {
      schedule(() -> loadRange(sub, gap, attempt + 1), RELOAD_DELAY_MS);
    }
  }

  private static long retryDelay(int attempt) {
    return Math.min(RELOAD_DELAY_MS << Math.min(attempt, 10), MAX_RETRY_DELAY_MS);
  }

  private void registerRegion(Subscription sub, RegionInfo region, KeySpan span, int attempt) {
    OptionalLong checkpoint;
    synchronized (sub) {
      checkpoint = sub.lock.lock(span, region.id());
    }
    if (checkpoint.isEmpty()) {
      // Part of the range is still held by another region that has not failed yet.
      schedule(() -> loadRange(sub, span, attempt + 1), retryDelay(attempt));
      return;
    }
    RegionFeedState state = new RegionFeedState(sub.requestId, region, span, checkpoint.getAsLong(), sub.startTs);
    try {
      String address = regions.storeAddress(region.leader().getStoreId());
      Cdcpb.ChangeDataRequest request = Cdcpb.ChangeDataRequest.newBuilder()
          .setHeader(Cdcpb.Header.newBuilder().setClusterId(regions.pd().clusterId()).setTicdcVersion(TICDC_VERSION))
          .setRegionId(region.id())
          .setRegionEpoch(region.epoch())
          .setCheckpointTs(checkpoint.getAsLong())
          .setStartKey(ByteString.copyFrom(span.start()))
          .setEndKey(ByteString.copyFrom(span.end()))
          .setRequestId(sub.requestId)
          .setExtraOp(Kvrpcpb.ExtraOp.ReadOldValue)
          .build();
      EventFeedClient stream = streams.computeIfAbsent(address, a -> new EventFeedClient(a, channels.channel(a), new Handler()));
      RegionFeedState previous = stream.state(sub.requestId, region.id());
      if (previous != null && !previous.stopped() && previous.initialized()
          && previous.region().epoch().equals(region.epoch())) {
        // A merge made this region cover another part of the span after that part registered
        // with the new epoch: no epoch error will come, and one (request, region) carries one
        // range. Deregister it and register the region once over both parts.
        stream.deregister(previous, request.getHeader());
        unlock(sub, previous);
        unlock(sub, state);
        KeySpan both = RegionDivider.cover(previous.span(), span);
        schedule(() -> loadRange(sub, both, attempt + 1), 0);
        return;
      }
      if (previous != null && !previous.stopped()) {
        // After a merge the region may still serve another part of this span under its old
        // epoch; registering it twice would be a duplicate request. Wait for its epoch error.
        unlock(sub, state);
        schedule(() -> loadRange(sub, span, attempt + 1), retryDelay(attempt));
        return;
      }
      if (!stream.register(state, request)) {
        throw new TikvException("stream to " + address + " is closed");
      }
      LOG.debug("registered {} for table {} from {}", region, sub.tableId, checkpoint.getAsLong());
    } catch (TikvException.Fatal e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("registering {} failed, retrying: {}", region, e.getMessage());
      unlock(sub, state);
      regions.invalidate(region.id());
      regions.invalidateStore(region.leader().getStoreId());
      schedule(() -> loadRange(sub, span, attempt + 1), retryDelay(attempt));
    }
  }

  private void unlock(Subscription sub, RegionFeedState state) {
    state.stop();
    synchronized (sub) {
      sub.lock.unlock(state.span().start(), state.regionId(), state.resolvedTs());
    }
  }

  // ---- stream events, on gRPC threads (serial per stream) ----

  private final class Handler implements EventFeedClient.Listener {
    private record Advance(Subscription sub, RegionFeedState state) {}

    @Override
    public boolean onEvent(EventFeedClient stream, Cdcpb.ChangeDataEvent event, Runnable resume) {
      if (closed) {
        return false;
      }
      try {
        List<PullerEvent> rows = new ArrayList<>();
        List<Advance> advances = new ArrayList<>();
        for (Cdcpb.Event e : event.getEventsList()) {
          RegionFeedState state = stream.state(e.getRequestId(), e.getRegionId());
          if (state == null || state.stopped()) {
            continue;
          }
          Subscription sub = byRequestId.get(state.requestId());
          switch (e.getEventCase()) {
            case ENTRIES -> {
              for (RawKvEntry entry : state.handleRows(e.getEntries().getEntriesList())) {
                rows.add(new PullerEvent.RowEvent(sub.tableId, entry));
              }
            }
            case ERROR -> onRegionError(stream, sub, state, e.getError());
            case RESOLVED_TS -> resolved(sub, state, e.getResolvedTs(), advances);
            default -> { }
          }
        }
        if (event.hasResolvedTs()) {
          Cdcpb.ResolvedTs r = event.getResolvedTs();
          for (long regionId : r.getRegionsList()) {
            List<RegionFeedState> states = r.getRequestId() != 0
                ? singleton(stream.state(r.getRequestId(), regionId)) : stream.statesOfRegion(regionId);
            for (RegionFeedState state : states) {
              resolved(byRequestId.get(state.requestId()), state, r.getTs(), advances);
            }
          }
        }
        // Rows first, then the resolved ts that covers them.
        boolean more = queue.add(rows, resume);
        for (Advance a : advances) {
          synchronized (a.sub) {
            a.sub.lock.advance(a.state.span().start(), a.state.regionId(), a.state.resolvedTs());
          }
        }
        return more;
      } catch (RuntimeException e) {
        fail(e);
        return false;
      }
    }

    /** A region's resolved ts event: moves the region on, and lets a lagging region resolve its locks. */
    private void resolved(Subscription sub, RegionFeedState state, long ts, List<Advance> advances) {
      if (state.advance(ts)) {
        advances.add(new Advance(sub, state));
      }
      if (state.initialized()) {
        staleLocks.onResolvedTs(state.regionId(), state.resolvedTs(), System.currentTimeMillis());
      }
    }

    private List<RegionFeedState> singleton(RegionFeedState s) {
      return s == null ? List.of() : List.of(s);
    }

    @Override
    public void onStreamFailure(EventFeedClient stream, Throwable cause) {
      streams.remove(stream.address(), stream);
      List<RegionFeedState> states = stream.closeAndDrain();
      if (closed) {
        return;
      }
      LOG.warn("EventFeed stream to {} failed ({} regions), reconnecting: {}", stream.address(), states.size(), cause.toString());
      for (RegionFeedState state : states) {
        Subscription sub = byRequestId.get(state.requestId());
        unlock(sub, state);
        regions.invalidate(state.regionId());
        regions.invalidateStore(state.region().leader().getStoreId());
        schedule(() -> loadRange(sub, state.span(), 1), STREAM_RETRY_DELAY_MS);
      }
    }
  }

  private void onRegionError(EventFeedClient stream, Subscription sub, RegionFeedState state, Cdcpb.Error error) {
    stream.remove(state);
    unlock(sub, state);
    KeySpan span = state.span();
    RegionInfo region = state.region();
    if (error.hasNotLeader()) {
      regions.updateLeader(region.id(), error.getNotLeader().hasLeader() ? error.getNotLeader().getLeader() : null);
      RegionInfo updated = regions.cached(region.id());
      if (updated != null && updated.hasLeader()) {
        schedule(() -> registerRegion(sub, updated, span, 0), 0);
      } else {
        schedule(() -> loadRange(sub, span, 0), RELOAD_DELAY_MS);
      }
    } else if (error.hasEpochNotMatch() || error.hasRegionNotFound()) {
      regions.invalidate(region.id());
      schedule(() -> loadRange(sub, span, 0), 0);
    } else if (error.hasDuplicateRequest()) {
      throw new TikvException.Fatal("duplicate request for region " + region.id() + " (request " + sub.requestId + ")");
    } else if (error.hasCompatibility()) {
      throw new TikvException.Fatal("TiKV requires TiCDC version " + error.getCompatibility().getRequiredVersion());
    } else if (error.hasClusterIdMismatch()) {
      throw new TikvException.Fatal("cluster id mismatch: TiKV has " + error.getClusterIdMismatch().getCurrent()
          + ", request had " + error.getClusterIdMismatch().getRequest());
    } else {
      // congested, server_is_busy or unknown: the same region again, a little later.
      schedule(() -> registerRegion(sub, region, span, 1), RELOAD_DELAY_MS);
    }
  }

  private void fail(Throwable t) {
    if (failure.compareAndSet(null, t)) {
      LOG.error("puller failed", t);
    }
    queue.wakeUp();
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    staleLocks.close();
    for (EventFeedClient s : streams.values()) {
      s.cancel();
    }
    streams.clear();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
