package io.kcdc.upstream.tikv;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.ChangeDataGrpc;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.tidb.KeySpan;
import io.kcdc.upstream.cluster.Region;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A test-side EventFeed stream that records everything the store sends: by default EventFeedV2
 * asking for {@code stream-multiplexing}, as TiCDC opens it; or a plain EventFeed (v1).
 */
final class FeedClient implements AutoCloseable {
  /** One thing received for a (request, region): a row, an error or a resolved ts. */
  record Received(long requestId, long regionId, Cdcpb.Event.Row row, Cdcpb.Error error, long resolvedTs) {}

  private final ManagedChannel channel;
  private final StreamObserver<Cdcpb.ChangeDataRequest> requests;
  private final List<Received> received = new ArrayList<>();
  private volatile boolean completed;
  private volatile Throwable failure;
  private final long clusterId;

  FeedClient(String address, long clusterId) {
    this(address, clusterId, true);
  }

  FeedClient(String address, long clusterId, boolean multiplexing) {
    this.clusterId = clusterId;
    channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    ChangeDataGrpc.ChangeDataStub stub = ChangeDataGrpc.newStub(channel);
    if (multiplexing) {
      Metadata headers = new Metadata();
      headers.put(FeatureGate.FEATURES, FeatureGate.STREAM_MULTIPLEXING);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    StreamObserver<Cdcpb.ChangeDataEvent> observer = new StreamObserver<>() {
      @Override
      public void onNext(Cdcpb.ChangeDataEvent e) {
        synchronized (received) {
          for (Cdcpb.Event ev : e.getEventsList()) {
            if (ev.hasError()) {
              received.add(new Received(ev.getRequestId(), ev.getRegionId(), null, ev.getError(), 0));
            }
            for (Cdcpb.Event.Row row : ev.getEntries().getEntriesList()) {
              received.add(new Received(ev.getRequestId(), ev.getRegionId(), row, null, 0));
            }
          }
          if (e.hasResolvedTs()) {
            for (long region : e.getResolvedTs().getRegionsList()) {
              received.add(new Received(e.getResolvedTs().getRequestId(), region, null, null, e.getResolvedTs().getTs()));
            }
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        failure = t;
        completed = true;
      }

      @Override
      public void onCompleted() {
        completed = true;
      }
    };
    requests = multiplexing ? stub.eventFeedV2(observer) : stub.eventFeed(observer);
  }

  void register(long requestId, Region region, KeySpan span, long checkpointTs) {
    register(requestId, region, span, checkpointTs, region.version(), clusterId, Kvrpcpb.ExtraOp.ReadOldValue);
  }

  void register(long requestId, Region region, KeySpan span, long checkpointTs, long version, long clusterId,
      Kvrpcpb.ExtraOp extraOp) {
    requests.onNext(Cdcpb.ChangeDataRequest.newBuilder()
        .setHeader(Cdcpb.Header.newBuilder().setClusterId(clusterId).setTicdcVersion("8.5.0"))
        .setRegionId(region.id())
        .setRegionEpoch(io.kcdc.kvproto.Metapb.RegionEpoch.newBuilder()
            .setConfVer(region.confVer()).setVersion(version))
        .setCheckpointTs(checkpointTs)
        .setStartKey(ByteString.copyFrom(span.start()))
        .setEndKey(ByteString.copyFrom(span.end()))
        .setRequestId(requestId)
        .setExtraOp(extraOp)
        .build());
  }

  void deregister(long requestId) {
    deregister(requestId, 0);
  }

  /** Deregisters one region of a request, or with region 0 all of them. */
  void deregister(long requestId, long regionId) {
    requests.onNext(Cdcpb.ChangeDataRequest.newBuilder()
        .setHeader(Cdcpb.Header.newBuilder().setClusterId(clusterId))
        .setRequestId(requestId)
        .setRegionId(regionId)
        .setDeregister(Cdcpb.ChangeDataRequest.Deregister.getDefaultInstance())
        .build());
  }

  void closeSend() {
    requests.onCompleted();
  }

  /** The gRPC error the stream ended with, if it did. */
  Throwable failure() {
    return failure;
  }

  boolean completed() {
    return completed;
  }

  List<Received> all() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  List<Received> of(long requestId, long regionId) {
    return all().stream().filter(r -> r.requestId() == requestId && r.regionId() == regionId).toList();
  }

  List<Cdcpb.Event.Row> rows(long requestId, long regionId) {
    return of(requestId, regionId).stream().filter(r -> r.row() != null).map(Received::row).toList();
  }

  List<Long> resolved(long requestId, long regionId) {
    return of(requestId, regionId).stream().filter(r -> r.row() == null && r.error() == null)
        .map(Received::resolvedTs).toList();
  }

  /** Waits until something received matches. */
  Received await(Predicate<Received> p) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> all().stream().anyMatch(p));
    return all().stream().filter(p).findFirst().orElseThrow();
  }

  /** Registration is asynchronous: rows written before this may come as COMMITTED from the scan. */
  void awaitInitialized(long requestId, long regionId) {
    await(r -> r.requestId() == requestId && r.regionId() == regionId && r.row() != null
        && r.row().getType() == Cdcpb.Event.LogType.INITIALIZED);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
