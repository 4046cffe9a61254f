package io.kcdc.connector.puller;

import com.google.protobuf.ByteString;
import io.kcdc.connector.ProcessorMetrics;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TiCDC's puller for the tables of one task (its shared client, docs/tikv-eventfeed.md): each
 * physical table span is one subscription with its own request id, divided by regions and
 * registered on the store's streams ({@link StoreStreams}: one multiplexed EventFeedV2 stream,
 * or one EventFeed stream per subscription on stores without it). Matched rows and, every
 * {@code resolvedTsIntervalMs}, each table's advanced resolved ts go to the {@link EventQueue}
 * in an order where a table's resolved ts T follows all of its rows with commit ts <= T.
 *
 * <p>Threads: region (re)registration runs on one scheduler thread; a stream's events run on its
 * gRPC thread, which alone touches the {@link RegionFeedState}s registered on it. A subscription's
 * {@link RangeLock} is shared under the subscription's monitor, and a stream thread moves it
 * forward only after the rows below the new resolved ts are queued; an unlock keeps the last
 * such ts. Region errors end a registration as in TiCDC: the range is unlocked and registered
 * again from its resolved ts; no single region is ever deregistered. Transient failures are
 * retried with {@link #RETRY}; fatal ones, an exhausted retry, or anything a background task
 * throws are kept in {@link #failure()}.
 */
public final class Puller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
  /** TiKV gates features on this version string. */
  public static final String TICDC_VERSION = "8.5.0";
  /** Retry delays of region and stream work: 100 ms doubling to 5 s. */
  static final Backoff RETRY = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5), Duration.ofMinutes(5));
  /** About ten minutes of retrying one range before the puller gives up with an error. */
  static final int MAX_ATTEMPTS = 120;
  private static final AtomicLong REQUEST_IDS = new AtomicLong();
  private static final int SCAN_REGION_LIMIT = 1024;
  /** TiCDC waits a second before reconnecting a failed stream. */
  private static final long STREAM_RETRY_DELAY_MS = 1000;

  private final RegionCache regions;
  private final ChannelPool channels;
  private final EventQueue queue;
  private final long resolvedTsIntervalMs;
  private final Map<Long, Subscription> byRequestId = new ConcurrentHashMap<>();
  private final Map<Long, TableState> tables = new ConcurrentHashMap<>();
  /**
   * Tables a region resolved-ts event moved since the last emission: only an advance raises a table's resolved ts
   * (a lock or unlock keeps the minimum over its ranges), so a tick looks at these, not at every table.
   */
  private final Set<Long> advancedTables = ConcurrentHashMap.newKeySet();
  private final Map<String, StoreStreams> stores = new ConcurrentHashMap<>();
  private final Handler handler = new Handler();
  private final BackgroundTasks scheduler = new BackgroundTasks("kcdc-puller-scheduler", this::fail);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  /** Resolves the locks of regions whose resolved ts lags (orphan locks of a TiDB that died). */
  private final ResolveLockScheduler staleLocks;
  private volatile boolean closed;
  private final PrewriteSpill prewrites;
  private final ProcessorMetrics metrics;
  /** Whether this puller counts in {@code ticdc_kvclient_event_feed_count} (TiCDC counts its kv clients). */
  private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();

  public Puller(RegionCache regions, ChannelPool channels, EventQueue queue, long resolvedTsIntervalMs) {
    this(regions, channels, queue, resolvedTsIntervalMs, PrewriteSpill.heapOnly());
  }

  public Puller(RegionCache regions, ChannelPool channels, EventQueue queue, long resolvedTsIntervalMs,
      PrewriteSpill prewrites) {
    this(regions, channels, queue, resolvedTsIntervalMs, prewrites,
        ProcessorMetrics.of("default", ""));
  }

  /**
   * @param prewrites where unmatched prewrites wait for their commits; closed with the puller
   * @param metrics the changefeed's kv client and puller metrics
   */
  public Puller(RegionCache regions, ChannelPool channels, EventQueue queue, long resolvedTsIntervalMs,
      PrewriteSpill prewrites, ProcessorMetrics metrics) {
    this.metrics = metrics;
    this.prewrites = prewrites;
    this.regions = regions;
    this.channels = channels;
    this.queue = queue;
    this.resolvedTsIntervalMs = resolvedTsIntervalMs;
    this.staleLocks = ResolveLockScheduler.start(new LockResolver(regions, channels, Backoff.DEFAULT), metrics);
  }

  /** One subscribed physical table span: TiCDC's {@code subscribedTable}. */
  private static final class Subscription {
    final long requestId;
    final long tableId;
    final long startTs;
    final KeySpan span;
    /** Guarded by this. */
    private final RangeLock lock;
    /** Ranges waiting for a lock of this span to be released; guarded by this. */
    private final List<Runnable> waiters = new ArrayList<>();
    volatile boolean stopped;

    Subscription(long requestId, long tableId, KeySpan span, long startTs) {
      this.requestId = requestId;
      this.tableId = tableId;
      this.startTs = startTs;
      this.span = span;
      this.lock = new RangeLock(span, startTs);
    }

    synchronized RangeLock.Result lock(KeySpan range, RegionInfo region, Runnable onWait) {
      RangeLock.Result r = lock.lock(range, region.id(), region.epoch().getVersion());
      if (r instanceof RangeLock.Wait) {
        waiters.add(onWait);
      }
      return r;
    }

    synchronized void advance(long token, long ts) {
      lock.advance(token, ts);
    }

    /** Unlocks and hands back the waiters to run again. */
    synchronized List<Runnable> unlock(long token) {
      if (!lock.unlock(token)) {
        return List.of();
      }
      List<Runnable> out = new ArrayList<>(waiters);
      waiters.clear();
      return out;
    }

    synchronized long resolvedTs() {
      return lock.resolvedTs();
    }
  }

  private static final class TableState {
    final List<Subscription> subscriptions = new ArrayList<>();
    /** Only the scheduler thread reads and writes it. */
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
      schedule(() -> loadRange(sub, sub.span, 0), 0);
    }
  }

  /**
   * Stops pulling a table: on a multiplexed stream its requests are deregistered whole, an
   * exclusive stream of its own is closed (TiCDC's way; no region is deregistered alone).
   */
  public void unsubscribe(long tableId) {
    TableState table = tables.remove(tableId);
    if (table == null) {
      return;
    }
    Cdcpb.Header header = header();
    for (Subscription sub : table.subscriptions) {
      sub.stopped = true;
      byRequestId.remove(sub.requestId);
      for (StoreStreams s : stores.values()) {
        s.unsubscribe(sub.requestId, header);
      }
    }
  }

  /** Starts emitting table resolved ts every interval. */
  public void start() {
    if (started.compareAndSet(false, true)) {
      ProcessorMetrics.eventFeeds(1);
    }
    scheduler.every(this::emitResolved, resolvedTsIntervalMs);
  }

  /** The error that stopped the puller (with its reason), or null. */
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
    List<PullerEvent> out = new ArrayList<>();
    for (Iterator<Long> it = advancedTables.iterator(); it.hasNext(); ) {
      long tableId = it.next();
      it.remove(); // before reading: an advance from now on marks the table again
      TableState t = tables.get(tableId);
      if (t == null) {
        continue;
      }
      long ts = Long.MAX_VALUE;
      for (Subscription s : t.subscriptions) {
        ts = Math.min(ts, s.resolvedTs());
      }
      if (ts > t.emittedResolvedTs) {
        t.emittedResolvedTs = ts;
        out.add(new PullerEvent.Resolved(tableId, ts));
      }
    }
    if (!out.isEmpty()) {
      queue.add(out, () -> { });
    }
  }

  // ---- region (re)registration, on the scheduler thread ----

  private void schedule(Runnable r, long delayMs) {
    if (!closed) {
      scheduler.schedule(r, delayMs);
    }
  }

  /** Retries {@code what} after the backoff of {@code attempt}, or gives up with an error. */
  private void retry(Subscription sub, KeySpan span, int attempt, String reason) {
    if (attempt > MAX_ATTEMPTS) {
      fail(new TikvException("table " + sub.tableId + ": cannot register " + span + " after " + MAX_ATTEMPTS
          + " attempts: " + reason));
      return;
    }
    schedule(() -> loadRange(sub, span, attempt), RETRY.delayMillis(attempt));
  }

  /** Divides {@code span} by the regions PD knows now and registers each of them. */
  private void loadRange(Subscription sub, KeySpan span, int attempt) {
    if (closed || sub.stopped) {
      return;
    }
    RegionDivider.Division division;
    try {
      division = RegionDivider.divide(span, regions.scan(span, SCAN_REGION_LIMIT));
    } catch (TikvException.Fatal e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("loading regions of {} failed, retrying: {}", span, e.getMessage());
      retry(sub, span, attempt + 1, e.getMessage());
      return;
    }
    for (RegionDivider.RegionSpan part : division.covered()) {
      lockAndRegister(sub, part.region(), attempt);
    }
    for (KeySpan gap : division.gaps()) {
      retry(sub, gap, attempt + 1, "no region with a leader covers " + gap);
    }
  }

  /**
   * Locks the part of the subscription's span that {@code region} covers (all of it, not only
   * the part being loaded, as TiCDC does: after a merge one registration serves both parts) and
   * registers it; or waits for an older region still holding part of it; or retries what a
   * newer region does not already cover.
   */
  private void lockAndRegister(Subscription sub, RegionInfo region, int attempt) {
    KeySpan range = region.span().intersect(sub.span);
    if (range == null || closed || sub.stopped) {
      return;
    }
    RangeLock.Result result = sub.lock(range, region, () -> schedule(() -> loadRange(sub, range, attempt), 0));
    if (result instanceof RangeLock.Locked locked) {
      register(sub, region, range, locked, attempt);
    } else if (result instanceof RangeLock.Stale stale) {
      for (KeySpan rest : stale.retry()) {
        retry(sub, rest, attempt + 1, "stale region info for " + rest);
      }
    } else {
      LOG.debug("{} of table {} waits for an older region to end", region, sub.tableId);
    }
  }

  private Cdcpb.Header header() {
    return Cdcpb.Header.newBuilder().setClusterId(regions.pd().clusterId()).setTicdcVersion(TICDC_VERSION).build();
  }

  private void register(Subscription sub, RegionInfo region, KeySpan range, RangeLock.Locked locked, int attempt) {
    RegionFeedState state = new RegionFeedState(sub.requestId, region, range, locked.checkpointTs(), sub.startTs,
        locked.token(), prewrites);
    try {
      String address = regions.storeAddress(region.leader().getStoreId());
      Cdcpb.ChangeDataRequest request = Cdcpb.ChangeDataRequest.newBuilder()
          .setHeader(header())
          .setRegionId(region.id())
          .setRegionEpoch(region.epoch())
          .setCheckpointTs(locked.checkpointTs())
          .setStartKey(ByteString.copyFrom(range.start()))
          .setEndKey(ByteString.copyFrom(range.end()))
          .setRequestId(sub.requestId)
          .setExtraOp(Kvrpcpb.ExtraOp.ReadOldValue)
          .build();
      stores.computeIfAbsent(address, a -> new StoreStreams(a, channels.channel(a), handler, handler::onLost))
          .register(state, request);
      LOG.debug("registered {} for table {} from {}", region, sub.tableId, locked.checkpointTs());
    } catch (TikvException.Fatal e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("registering {} failed, retrying: {}", region, e.getMessage());
      release(sub, state);
      regions.invalidate(region.id());
      regions.invalidateStore(region.leader().getStoreId());
      retry(sub, range, attempt + 1, e.getMessage());
    }
  }

  /** Unlocks a registration's range (keeping its last published resolved ts) and wakes the ranges waiting on it. */
  private void release(Subscription sub, RegionFeedState state) {
    state.stop();
    for (Runnable waiter : sub.unlock(state.lockToken())) {
      waiter.run();
    }
  }

  private void onRegionError(Subscription sub, RegionFeedState state, Cdcpb.Error error) {
    KeySpan span = state.span();
    RegionInfo region = state.region();
    ProcessorMetrics.eventFeedError(errorType(error));
    if (error.hasNotLeader()) {
      regions.updateLeader(region.id(), error.getNotLeader().hasLeader() ? error.getNotLeader().getLeader() : null);
      RegionInfo updated = regions.cached(region.id());
      if (updated != null && updated.hasLeader()) {
        lockAndRegister(sub, updated, 0);
      } else {
        retry(sub, span, 1, "region " + region.id() + " has no leader");
      }
    } else if (error.hasEpochNotMatch() || error.hasRegionNotFound()) {
      regions.invalidate(region.id());
      loadRange(sub, span, 0);
    } else if (error.hasDuplicateRequest()) {
      // The puller registers a (request, region) pair once until TiKV ends it, so TiKV and the
      // puller disagree on what is registered: TiCDC fails the changefeed here too.
      throw new TikvException.Fatal("TiKV reports a duplicate request for region " + region.id()
          + " of table " + sub.tableId + " (request " + sub.requestId + ")");
    } else if (error.hasCompatibility()) {
      throw new TikvException.Fatal("TiKV requires TiCDC version " + error.getCompatibility().getRequiredVersion());
    } else if (error.hasClusterIdMismatch()) {
      throw new TikvException.Fatal("cluster id mismatch: TiKV has " + error.getClusterIdMismatch().getCurrent()
          + ", request had " + error.getClusterIdMismatch().getRequest());
    } else {
      // congested, server_is_busy or unknown: the same region again, a little later.
      schedule(() -> lockAndRegister(sub, region, 1), RETRY.delayMillis(1));
    }
  }

  /** TiCDC's {@code event_feed_error_count} type of a region error (tiflow v8.5.0 cdc/kv/shared_client.go). */
  static String errorType(Cdcpb.Error error) {
    if (error.hasNotLeader()) {
      return "NotLeader";
    } else if (error.hasEpochNotMatch()) {
      return "EpochNotMatch";
    } else if (error.hasRegionNotFound()) {
      return "RegionNotFound";
    } else if (error.hasCongested()) {
      return "KvCongested";
    } else if (error.hasServerIsBusy()) {
      return "KvIsBusy";
    } else if (error.hasDuplicateRequest()) {
      return "DuplicateRequest";
    }
    return "Unknown";
  }

  // ---- stream events, on gRPC threads (serial per stream) ----

  private final class Handler implements EventFeedClient.Listener {
    private record RegionError(Subscription sub, RegionFeedState state, Cdcpb.Error error) {}

    @Override
    public boolean onEvent(EventFeedClient stream, Cdcpb.ChangeDataEvent event, Runnable resume) {
      if (closed) {
        return false;
      }
      try {
        List<PullerEvent> rows = new ArrayList<>();
        List<RegionFeedState> advanced = new ArrayList<>();
        List<RegionError> errors = new ArrayList<>();
        for (Cdcpb.Event e : event.getEventsList()) {
          RegionFeedState state = stream.state(stream.requestIdOf(e.getRequestId()), e.getRegionId());
          Subscription sub = state == null ? null : byRequestId.get(state.requestId());
          if (sub == null || state.stopped()) {
            continue;
          }
          switch (e.getEventCase()) {
            case ENTRIES -> {
              for (Cdcpb.Event.Row row : e.getEntries().getEntriesList()) {
                metrics.pulled(row.getType().name());
              }
              for (RawKvEntry entry : state.handleRows(e.getEntries().getEntriesList())) {
                rows.add(new PullerEvent.RowEvent(sub.tableId, entry));
              }
            }
            case ERROR -> {
              state.stop();
              stream.remove(state);
              errors.add(new RegionError(sub, state, e.getError()));
            }
            case RESOLVED_TS -> resolved(state, e.getResolvedTs(), advanced);
            default -> { }
          }
        }
        if (event.hasResolvedTs()) {
          // On a multiplexed stream the batch names its request; on an exclusive one it has
          // request id 0 and belongs to the stream's request. Never to another table's state.
          Cdcpb.ResolvedTs r = event.getResolvedTs();
          long requestId = stream.requestIdOf(r.getRequestId());
          for (long regionId : r.getRegionsList()) {
            RegionFeedState state = stream.state(requestId, regionId);
            if (state != null) {
              resolved(state, r.getTs(), advanced);
            }
          }
        }
        // Rows first; only then may the span's resolved ts move past them.
        boolean more = queue.add(rows, resume);
        for (RegionFeedState state : advanced) {
          Subscription sub = byRequestId.get(state.requestId());
          if (sub != null) {
            sub.advance(state.lockToken(), state.resolvedTs());
            advancedTables.add(sub.tableId);
          }
        }
        for (RegionError err : errors) {
          release(err.sub(), err.state());
          schedule(() -> onRegionError(err.sub(), err.state(), err.error()), 0);
        }
        return more;
      } catch (Throwable t) {
        fail(t);
        return false;
      }
    }

    /** A region's resolved ts event: moves the region on, and lets a lagging region resolve its locks. */
    private void resolved(RegionFeedState state, long ts, List<RegionFeedState> advanced) {
      if (state.advance(ts)) {
        advanced.add(state);
      }
      if (state.initialized()) {
        staleLocks.onResolvedTs(state.lag(), state.resolvedTs(), System.currentTimeMillis());
      }
    }

    @Override
    public void onStreamFailure(EventFeedClient stream, Throwable cause) {
      StoreStreams store = stores.get(stream.address());
      if (store != null) {
        store.ended(stream);
      }
      List<RegionFeedState> states = stream.closeAndDrain();
      if (closed) {
        return;
      }
      LOG.warn("{} failed ({} regions), reconnecting: {}", stream, states.size(), cause.toString());
      onLost(states, cause);
    }

    /** Registrations whose stream is gone: unlock them and register again a little later. */
    void onLost(List<RegionFeedState> states, Throwable cause) {
      try {
        for (RegionFeedState state : states) {
          Subscription sub = byRequestId.get(state.requestId());
          if (sub == null) {
            continue;
          }
          release(sub, state);
          regions.invalidate(state.regionId());
          regions.invalidateStore(state.region().leader().getStoreId());
          schedule(() -> loadRange(sub, state.span(), 1), STREAM_RETRY_DELAY_MS);
        }
      } catch (Throwable t) {
        fail(t);
      }
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
    if (started.compareAndSet(true, false)) {
      ProcessorMetrics.eventFeeds(-1);
    }
    closed = true;
    scheduler.close();
    staleLocks.close();
    for (StoreStreams s : stores.values()) {
      s.cancel();
    }
    stores.clear();
    prewrites.close();
  }
}
