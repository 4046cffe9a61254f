package io.kcdc.upstream.tikv;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.ChangeDataGrpc;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.RegionListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TiKV's ChangeData service on one store, as the store's {@link TikvVersion} serves it: EventFeed
 * always; EventFeedV2 since 7.3 (before, UNIMPLEMENTED), where the {@code stream-multiplexing}
 * feature (checked by {@link FeatureGate}) makes resolved ts come batched per request id
 * (docs/tikv-eventfeed.md).
 */
public final class ChangeDataService extends ChangeDataGrpc.ChangeDataImplBase implements RegionListener {
  private final StoreContext ctx;
  private final Set<EventFeedSession> sessions = ConcurrentHashMap.newKeySet();

  public ChangeDataService(StoreContext ctx) {
    this.ctx = ctx;
    ctx.regions().addListener(this);
  }

  @Override
  public StreamObserver<Cdcpb.ChangeDataRequest> eventFeed(StreamObserver<Cdcpb.ChangeDataEvent> out) {
    return open(out, false);
  }

  @Override
  public StreamObserver<Cdcpb.ChangeDataRequest> eventFeedV2(StreamObserver<Cdcpb.ChangeDataEvent> out) {
    if (!ctx.version().servesEventFeedV2()) {
      // A TiKV without the method: gRPC answers UNIMPLEMENTED.
      return super.eventFeedV2(out);
    }
    return open(out, FeatureGate.requested().contains(FeatureGate.STREAM_MULTIPLEXING));
  }

  private StreamObserver<Cdcpb.ChangeDataRequest> open(StreamObserver<Cdcpb.ChangeDataEvent> out,
      boolean multiplexing) {
    EventFeedSession[] self = new EventFeedSession[1];
    self[0] = new EventFeedSession(ctx, (ServerCallStreamObserver<Cdcpb.ChangeDataEvent>) out, multiplexing,
        () -> sessions.remove(self[0]));
    sessions.add(self[0]);
    return self[0];
  }

  /**
   * One resolved-ts round for every stream of this store. {@code tsoTs} must come from the TSO
   * right before the call (see {@link EventFeedSession#sendResolvedTs}).
   */
  public void advanceResolvedTs(long tsoTs) {
    for (EventFeedSession s : sessions) {
      s.sendResolvedTs(tsoTs);
    }
  }

  @Override
  public void onRegionChanged(Region old, List<Region> replacements) {
    for (EventFeedSession s : sessions) {
      s.regionChanged(old, replacements);
    }
  }

  @Override
  public void onRegionRemoved(Region old, Region target) {
    sessions.forEach(s -> s.regionRemoved(old));
  }

  @Override
  public void onLeaderChanged(Region old, Region now) {
    sessions.forEach(s -> s.leaderChanged(now));
  }

  /** Ends the region's registrations on this store with server_is_busy. */
  public void busy(long regionId) {
    sessions.forEach(s -> s.busy(regionId));
  }

  /** Fails every stream with {@code status} (a store restart) and stops observing regions. */
  public void abortAll(io.grpc.Status status) {
    ctx.regions().removeListener(this);
    sessions.forEach(s -> s.abort(status));
  }

  /** Open EventFeed streams (for tests and diagnostics). */
  public int streamCount() {
    return sessions.size();
  }

  /** Live region registrations of this store's streams that observe part of {@code encodedSpan}. */
  public int registrationsIn(io.kcdc.tidb.KeySpan encodedSpan) {
    int n = 0;
    for (EventFeedSession s : sessions) {
      n += s.registrationsIn(encodedSpan);
    }
    return n;
  }

  /** Ends every stream, as a store shutting down does. */
  public void closeAll() {
    ctx.regions().removeListener(this);
    sessions.forEach(EventFeedSession::close);
  }
}
