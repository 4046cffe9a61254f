package io.kcdc.connector.puller;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.ChangeDataGrpc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventFeed streams of the puller to one TiKV store, chosen as TiCDC's {@code sharedconn}
 * does (docs/tikv-eventfeed.md): first a probe opens EventFeedV2 with {@code features:
 * stream-multiplexing} and half-closes it; an end of stream means the store multiplexes, and all
 * subscriptions share one EventFeedV2 stream; UNIMPLEMENTED means an older store, and each
 * subscription (request id) gets an EventFeed stream of its own. Registrations made while the
 * probe runs wait for it. Once every stream of the store is gone the next registration probes
 * again (the store may have been upgraded).
 */
final class StoreStreams {
  private static final Logger LOG = LoggerFactory.getLogger(StoreStreams.class);
  private static final long PROBE_TIMEOUT_MS = 10_000;

  /** Where registrations go when no stream can take them. */
  interface Lost {
    void onLost(List<RegionFeedState> states, Throwable cause);
  }

  private enum Mode { UNKNOWN, PROBING, MULTIPLEXED, EXCLUSIVE }

  private record Pending(RegionFeedState state, Cdcpb.ChangeDataRequest request) {}

  private final String address;
  private final Channel channel;
  private final EventFeedClient.Listener listener;
  private final Lost lost;
  private Mode mode = Mode.UNKNOWN;
  private final List<Pending> pending = new ArrayList<>();
  private EventFeedClient shared;
  private final Map<Long, EventFeedClient> exclusive = new HashMap<>();

  StoreStreams(String address, Channel channel, EventFeedClient.Listener listener, Lost lost) {
    this.address = address;
    this.channel = channel;
    this.listener = listener;
    this.lost = lost;
  }

  /** Sends a registration on the right stream, opening it (or probing the store) first if needed. */
  synchronized void register(RegionFeedState state, Cdcpb.ChangeDataRequest request) {
    switch (mode) {
      case UNKNOWN -> {
        mode = Mode.PROBING;
        pending.add(new Pending(state, request));
        probe();
      }
      case PROBING -> pending.add(new Pending(state, request));
      case MULTIPLEXED -> {
        if (shared == null || !shared.register(state, request)) {
          shared = EventFeedClient.multiplexed(address, channel, listener);
          shared.register(state, request);
        }
      }
      case EXCLUSIVE -> {
        EventFeedClient s = exclusive.get(state.requestId());
        if (s == null || !s.register(state, request)) {
          s = EventFeedClient.exclusive(address, channel, state.requestId(), listener);
          exclusive.put(state.requestId(), s);
          s.register(state, request);
        }
      }
    }
  }

  /**
   * Stops a subscription on this store: a whole-request Deregister on the shared stream, or the
   * end of its own stream; nothing is re-registered.
   */
  synchronized void unsubscribe(long requestId, Cdcpb.Header header) {
    pending.removeIf(p -> p.state().requestId() == requestId);
    if (mode == Mode.MULTIPLEXED && shared != null) {
      shared.deregisterRequest(requestId, header);
    }
    EventFeedClient s = exclusive.remove(requestId);
    if (s != null) {
      s.cancel();
    }
    resetIfIdle();
  }

  /** A stream of this store ended: forget it. */
  synchronized void ended(EventFeedClient stream) {
    if (shared == stream) {
      shared = null;
    }
    exclusive.values().remove(stream);
    resetIfIdle();
  }

  private void resetIfIdle() {
    if ((mode == Mode.MULTIPLEXED || mode == Mode.EXCLUSIVE) && shared == null && exclusive.isEmpty()) {
      mode = Mode.UNKNOWN;
    }
  }

  synchronized void cancel() {
    if (shared != null) {
      shared.cancel();
    }
    exclusive.values().forEach(EventFeedClient::cancel);
    pending.clear();
  }

  /** TiCDC's {@code connArray.connect}: EventFeedV2 with the feature, half-closed at once. */
  private void probe() {
    StreamObserver<Cdcpb.ChangeDataRequest> requests = EventFeedClient.withFeatures(ChangeDataGrpc.newStub(channel))
        .withDeadlineAfter(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .eventFeedV2(new StreamObserver<>() {
          @Override
          public void onNext(Cdcpb.ChangeDataEvent value) {
            // Nothing was registered: nothing comes.
          }

          @Override
          public void onError(Throwable t) {
            Status.Code code = Status.fromThrowable(t).getCode();
            if (code == Status.Code.UNIMPLEMENTED) {
              probed(Mode.EXCLUSIVE);
            } else if (code == Status.Code.CANCELLED) {
              // TiCDC counts a cancelled probe as its end of stream (sharedconn StatusIsEOF).
              probed(Mode.MULTIPLEXED);
            } else {
              probeFailed(t);
            }
          }

          @Override
          public void onCompleted() {
            probed(Mode.MULTIPLEXED);
          }
        });
    requests.onCompleted();
  }

  private void probed(Mode found) {
    synchronized (this) {
      if (mode != Mode.PROBING) {
        return;
      }
      LOG.info("TiKV store {} {}", address, found == Mode.MULTIPLEXED
          ? "multiplexes EventFeedV2 streams" : "has no EventFeedV2: one EventFeed stream per subscription");
      mode = found;
      List<Pending> todo = new ArrayList<>(pending);
      pending.clear();
      for (Pending p : todo) {
        register(p.state(), p.request());
      }
    }
  }

  private void probeFailed(Throwable cause) {
    List<RegionFeedState> states = new ArrayList<>();
    synchronized (this) {
      if (mode != Mode.PROBING) {
        return;
      }
      mode = Mode.UNKNOWN;
      pending.forEach(p -> states.add(p.state()));
      pending.clear();
    }
    LOG.warn("probing EventFeedV2 on TiKV store {} failed: {}", address, cause.toString());
    lost.onLost(states, cause);
  }
}
