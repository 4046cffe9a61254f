package io.kcdc.connector.puller;

import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.ChangeDataGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code ChangeData/EventFeed} bidi stream to one TiKV store, carrying the regions of every
 * subscription of a task (told apart by request id). Inbound flow control is manual: the next
 * message is requested only after the previous one was handed to the {@link Listener}, which
 * may postpone the request to apply backpressure.
 */
final class EventFeedClient implements ClientResponseObserver<Cdcpb.ChangeDataRequest, Cdcpb.ChangeDataEvent> {

  /** Receives the stream's messages, serially, on a gRPC thread. */
  interface Listener {
    /**
     * Handles one message; returns false when the stream must pause, in which case
     * {@code resume} is run later to read on.
     */
    boolean onEvent(EventFeedClient stream, Cdcpb.ChangeDataEvent event, Runnable resume);

    /** The stream broke or was closed by the store: all its regions need a new home. */
    void onStreamFailure(EventFeedClient stream, Throwable cause);
  }

  record StateKey(long requestId, long regionId) {}

  private final String address;
  private final Listener listener;
  private final Map<StateKey, RegionFeedState> states = new ConcurrentHashMap<>();
  private final ClientCallStreamObserver<Cdcpb.ChangeDataRequest> requests;
  private volatile boolean closed;

  EventFeedClient(String address, Channel channel, Listener listener) {
    this.address = address;
    this.listener = listener;
    this.requests = (ClientCallStreamObserver<Cdcpb.ChangeDataRequest>) ChangeDataGrpc.newStub(channel).eventFeed(this);
  }

  String address() {
    return address;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<Cdcpb.ChangeDataRequest> requestStream) {
    requestStream.disableAutoRequestWithInitial(1);
  }

  /** Sends a registration and tracks the region state; false when the stream is already gone. */
  synchronized boolean register(RegionFeedState state, Cdcpb.ChangeDataRequest request) {
    if (closed) {
      return false;
    }
    states.put(new StateKey(state.requestId(), state.regionId()), state);
    requests.onNext(request);
    return true;
  }

  /** The state of a region of a request; with request id 0 (old TiKV) any request's region. */
  RegionFeedState state(long requestId, long regionId) {
    RegionFeedState s = states.get(new StateKey(requestId, regionId));
    if (s != null || requestId != 0) {
      return s;
    }
    return states.values().stream().filter(x -> x.regionId() == regionId).findFirst().orElse(null);
  }

  /** States of a region under any request id (a batch resolved ts without request id). */
  List<RegionFeedState> statesOfRegion(long regionId) {
    List<RegionFeedState> out = new ArrayList<>();
    for (RegionFeedState s : states.values()) {
      if (s.regionId() == regionId) {
        out.add(s);
      }
    }
    return out;
  }

  /** Stops one region of a request on the store (TiKV drops just that region for a region id). */
  synchronized void deregister(RegionFeedState state, Cdcpb.Header header) {
    remove(state);
    if (!closed) {
      requests.onNext(Cdcpb.ChangeDataRequest.newBuilder()
          .setHeader(header)
          .setRequestId(state.requestId())
          .setRegionId(state.regionId())
          .setDeregister(Cdcpb.ChangeDataRequest.Deregister.getDefaultInstance())
          .build());
    }
  }

  void remove(RegionFeedState state) {
    states.remove(new StateKey(state.requestId(), state.regionId()), state);
  }

  /** Closes the stream and returns the regions it carried. */
  synchronized List<RegionFeedState> closeAndDrain() {
    closed = true;
    List<RegionFeedState> out = new ArrayList<>(states.values());
    states.clear();
    return out;
  }

  void cancel() {
    closeAndDrain();
    requests.cancel("puller closed", null);
  }

  @Override
  public void onNext(Cdcpb.ChangeDataEvent event) {
    if (closed) {
      return;
    }
    if (listener.onEvent(this, event, () -> {
      if (!closed) {
        requests.request(1);
      }
    })) {
      requests.request(1);
    }
  }

  @Override
  public void onError(Throwable t) {
    listener.onStreamFailure(this, t);
  }

  @Override
  public void onCompleted() {
    listener.onStreamFailure(this, new IllegalStateException("stream closed by store " + address));
  }
}
