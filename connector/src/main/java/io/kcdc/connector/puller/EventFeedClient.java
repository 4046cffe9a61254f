package io.kcdc.connector.puller;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.ChangeDataGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One ChangeData bidi stream to one TiKV store (docs/tikv-eventfeed.md), either
 *
 * <ul>
 *   <li>multiplexed: {@code EventFeedV2} with the {@code features: stream-multiplexing} header,
 *       carrying the regions of many subscriptions told apart by request id (resolved ts come
 *       batched per request id); or
 *   <li>exclusive: a plain {@code EventFeed} for one subscription only (TiCDC's fallback for
 *       stores without EventFeedV2): every event on it, resolved ts with request id 0 included,
 *       belongs to that subscription.
 * </ul>
 *
 * Inbound flow control is manual: the next message is requested only after the previous one was
 * handed to the {@link Listener}, which may postpone the request to apply backpressure.
 */
final class EventFeedClient implements ClientResponseObserver<Cdcpb.ChangeDataRequest, Cdcpb.ChangeDataEvent> {
  static final Metadata.Key<String> FEATURES = Metadata.Key.of("features", Metadata.ASCII_STRING_MARSHALLER);
  static final String STREAM_MULTIPLEXING = "stream-multiplexing";

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

  /**
   * The stream's messages are handled on the channel's transport (event loop) thread, not handed to gRPC's
   * executor: with 10,000 regions a store sends a resolved-ts message per table and TiKV round, and the hand-off per
   * message (a thread wake-up each way, and another for every {@code request(1)}) cost more than the handling. The
   * {@link Listener} never blocks: it queues without waiting (back-pressure pauses the stream instead) and a
   * spilled prewrite is a RocksDB memtable write without WAL.
   */
  static final java.util.concurrent.Executor ON_TRANSPORT_THREAD = Runnable::run;

  private final String address;
  private final Listener listener;
  /** 0 on a multiplexed stream; else the one request id this stream carries. */
  private final long exclusiveRequestId;
  private final Map<StateKey, RegionFeedState> states = new ConcurrentHashMap<>();
  /** Set by gRPC in {@link #beforeStart}, before any message can arrive. */
  private volatile ClientCallStreamObserver<Cdcpb.ChangeDataRequest> requests;
  private volatile boolean closed;

  private EventFeedClient(String address, Listener listener, long exclusiveRequestId) {
    this.address = address;
    this.listener = listener;
    this.exclusiveRequestId = exclusiveRequestId;
  }

  /** An EventFeedV2 stream asking for stream multiplexing. */
  static EventFeedClient multiplexed(String address, Channel channel, Listener listener) {
    EventFeedClient c = new EventFeedClient(address, listener, 0);
    withFeatures(ChangeDataGrpc.newStub(channel)).withExecutor(ON_TRANSPORT_THREAD).eventFeedV2(c);
    return c;
  }

  /** An EventFeed (v1) stream carrying only {@code requestId}. */
  static EventFeedClient exclusive(String address, Channel channel, long requestId, Listener listener) {
    if (requestId == 0) {
      throw new IllegalArgumentException("request id 0 is TiKV's \"no request\"");
    }
    EventFeedClient c = new EventFeedClient(address, listener, requestId);
    ChangeDataGrpc.newStub(channel).withExecutor(ON_TRANSPORT_THREAD).eventFeed(c);
    return c;
  }

  static ChangeDataGrpc.ChangeDataStub withFeatures(ChangeDataGrpc.ChangeDataStub stub) {
    Metadata headers = new Metadata();
    headers.put(FEATURES, STREAM_MULTIPLEXING);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  String address() {
    return address;
  }

  boolean multiplexing() {
    return exclusiveRequestId == 0;
  }

  /** The subscription an event belongs to: its request id, or on an exclusive stream the stream's. */
  long requestIdOf(long eventRequestId) {
    return exclusiveRequestId == 0 ? eventRequestId : exclusiveRequestId;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<Cdcpb.ChangeDataRequest> requestStream) {
    requests = requestStream;
    requestStream.disableAutoRequestWithInitial(1);
  }

  /** Sends a registration and tracks the region state; false when the stream is already gone. */
  synchronized boolean register(RegionFeedState state, Cdcpb.ChangeDataRequest request) {
    if (closed) {
      return false;
    }
    if (exclusiveRequestId != 0 && state.requestId() != exclusiveRequestId) {
      throw new IllegalArgumentException(
          "request " + state.requestId() + " on the stream of request " + exclusiveRequestId);
    }
    states.put(new StateKey(state.requestId(), state.regionId()), state);
    requests.onNext(request);
    return true;
  }

  RegionFeedState state(long requestId, long regionId) {
    return states.get(new StateKey(requestId, regionId));
  }

  /** Forgets a region whose registration TiKV ended (an error event). */
  void remove(RegionFeedState state) {
    states.remove(new StateKey(state.requestId(), state.regionId()), state);
  }

  /**
   * Stops every region of {@code requestId} on a multiplexed stream: TiKV deregisters the whole
   * request (each region answers region_not_found, which finds no state any more). TiCDC never
   * deregisters a single region.
   */
  synchronized void deregisterRequest(long requestId, Cdcpb.Header header) {
    if (!multiplexing()) {
      throw new IllegalStateException("an exclusive stream is closed, not deregistered");
    }
    states.keySet().removeIf(k -> k.requestId() == requestId);
    if (!closed) {
      requests.onNext(Cdcpb.ChangeDataRequest.newBuilder()
          .setHeader(header)
          .setRequestId(requestId)
          .setDeregister(Cdcpb.ChangeDataRequest.Deregister.getDefaultInstance())
          .build());
    }
  }

  int stateCount() {
    return states.size();
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
    requests.cancel("puller closed the stream", null);
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

  @Override
  public String toString() {
    return (multiplexing() ? "EventFeedV2" : "EventFeed of request " + exclusiveRequestId) + " to " + address;
  }
}
