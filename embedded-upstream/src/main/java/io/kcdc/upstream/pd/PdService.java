package io.kcdc.upstream.pd;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kcdc.common.Tso;
import io.kcdc.kvproto.PDGrpc;
import io.kcdc.kvproto.Pdpb;
import io.kcdc.upstream.cluster.Region;
import io.kcdc.upstream.cluster.RegionMetas;
import io.kcdc.upstream.cluster.RegionTable;
import io.kcdc.upstream.cluster.StoreInfo;
import io.kcdc.upstream.kv.TimestampOracle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * PD's gRPC service over the embedded cluster: members, TSO, regions, stores and GC safepoints.
 * Every response header carries the cluster id.
 */
public final class PdService extends PDGrpc.PDImplBase {
  private final long clusterId;
  private final Supplier<String> pdAddress;
  private final TimestampOracle tso;
  private final RegionTable regions;
  private final Supplier<List<StoreInfo>> stores;
  private final ServiceSafePoints safePoints;
  private final LongSupplier gcSafePoint;

  /**
   * @param pdAddress the client URL this service is reachable at, {@code http(s)://host:port} (known once the server is bound)
   */
  public PdService(long clusterId, Supplier<String> pdAddress, TimestampOracle tso, RegionTable regions,
      Supplier<List<StoreInfo>> stores) {
    this(clusterId, pdAddress, tso, regions, stores, new ServiceSafePoints(), () -> 0);
  }

  /**
   * @param safePoints the service safepoints GC respects
   * @param gcSafePoint the safepoint the last GC ran at
   */
  public PdService(long clusterId, Supplier<String> pdAddress, TimestampOracle tso, RegionTable regions,
      Supplier<List<StoreInfo>> stores, ServiceSafePoints safePoints, LongSupplier gcSafePoint) {
    this.safePoints = safePoints;
    this.gcSafePoint = gcSafePoint;
    this.clusterId = clusterId;
    this.pdAddress = pdAddress;
    this.tso = tso;
    this.regions = regions;
    this.stores = stores;
  }

  private Pdpb.ResponseHeader header() {
    return Pdpb.ResponseHeader.newBuilder().setClusterId(clusterId).build();
  }

  private Pdpb.ResponseHeader error(Pdpb.ErrorType type, String message) {
    return Pdpb.ResponseHeader.newBuilder()
        .setClusterId(clusterId)
        .setError(Pdpb.Error.newBuilder().setType(type).setMessage(message))
        .build();
  }

  /** PD rejects requests that name another cluster; 0 is what a bootstrapping client sends. */
  private boolean clusterMismatch(Pdpb.RequestHeader h, StreamObserver<?> out) {
    if (h.getClusterId() != 0 && h.getClusterId() != clusterId) {
      out.onError(Status.FAILED_PRECONDITION
          .withDescription("mismatch cluster id, need " + clusterId + " but got " + h.getClusterId())
          .asRuntimeException());
      return true;
    }
    return false;
  }

  @Override
  public void getMembers(Pdpb.GetMembersRequest request, StreamObserver<Pdpb.GetMembersResponse> out) {
    String url = pdAddress.get();
    Pdpb.Member me = Pdpb.Member.newBuilder()
        .setName("pd-0")
        .setMemberId(clusterId ^ 0x5044L)
        .addPeerUrls(url)
        .addClientUrls(url)
        .setBinaryVersion(RegionMetas.STORE_VERSION)
        .build();
    out.onNext(Pdpb.GetMembersResponse.newBuilder()
        .setHeader(header()).addMembers(me).setLeader(me).setEtcdLeader(me).build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<Pdpb.TsoRequest> tso(StreamObserver<Pdpb.TsoResponse> out) {
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(Pdpb.TsoRequest request) {
        if (failed) {
          return;
        }
        if (clusterMismatch(request.getHeader(), out)) {
          failed = true;
          return;
        }
        if (request.getCount() == 0) {
          failed = true;
          out.onError(Status.INVALID_ARGUMENT.withDescription("tso count should be positive").asRuntimeException());
          return;
        }
        long ts = tso.next(request.getCount());
        out.onNext(Pdpb.TsoResponse.newBuilder()
            .setHeader(header())
            .setCount(request.getCount())
            // As PD: the logical part already carries the suffix; suffix_bits only says how wide it is.
            .setTimestamp(Pdpb.Timestamp.newBuilder().setPhysical(Tso.physical(ts)).setLogical(Tso.logical(ts))
                .setSuffixBits(tso.suffixBits()))
            .build());
      }

      @Override
      public void onError(Throwable t) {
        // The client went away; nothing is held per stream.
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          out.onCompleted();
        }
      }
    };
  }

  @Override
  public void getRegion(Pdpb.GetRegionRequest request, StreamObserver<Pdpb.GetRegionResponse> out) {
    if (clusterMismatch(request.getHeader(), out)) {
      return;
    }
    out.onNext(regionResponse(regions.regionOf(request.getRegionKey().toByteArray())));
    out.onCompleted();
  }

  @Override
  public void getRegionByID(Pdpb.GetRegionByIDRequest request, StreamObserver<Pdpb.GetRegionResponse> out) {
    if (clusterMismatch(request.getHeader(), out)) {
      return;
    }
    out.onNext(regionResponse(regions.byId(request.getRegionId())));
    out.onCompleted();
  }

  private Pdpb.GetRegionResponse regionResponse(Region r) {
    Pdpb.GetRegionResponse.Builder b = Pdpb.GetRegionResponse.newBuilder().setHeader(header());
    if (r != null) {
      b.setRegion(RegionMetas.region(r)).setLeader(RegionMetas.peer(r.leader()));
    }
    return b.build();
  }

  @Override
  public void scanRegions(Pdpb.ScanRegionsRequest request, StreamObserver<Pdpb.ScanRegionsResponse> out) {
    if (clusterMismatch(request.getHeader(), out)) {
      return;
    }
    Pdpb.ScanRegionsResponse.Builder b = Pdpb.ScanRegionsResponse.newBuilder().setHeader(header());
    for (Region r : regions.scan(request.getStartKey().toByteArray(), request.getEndKey().toByteArray(),
        request.getLimit())) {
      var meta = RegionMetas.region(r);
      var leader = RegionMetas.peer(r.leader());
      b.addRegionMetas(meta).addLeaders(leader);
      b.addRegions(Pdpb.Region.newBuilder().setRegion(meta).setLeader(leader));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getStore(Pdpb.GetStoreRequest request, StreamObserver<Pdpb.GetStoreResponse> out) {
    if (clusterMismatch(request.getHeader(), out)) {
      return;
    }
    Pdpb.GetStoreResponse.Builder b = Pdpb.GetStoreResponse.newBuilder();
    StoreInfo found = stores.get().stream().filter(s -> s.id() == request.getStoreId()).findFirst().orElse(null);
    if (found == null) {
      b.setHeader(error(Pdpb.ErrorType.UNKNOWN, "invalid store ID " + request.getStoreId() + ", not found"));
    } else {
      b.setHeader(header()).setStore(RegionMetas.store(found));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getAllStores(Pdpb.GetAllStoresRequest request, StreamObserver<Pdpb.GetAllStoresResponse> out) {
    if (clusterMismatch(request.getHeader(), out)) {
      return;
    }
    Pdpb.GetAllStoresResponse.Builder b = Pdpb.GetAllStoresResponse.newBuilder().setHeader(header());
    stores.get().forEach(s -> b.addStores(RegionMetas.store(s)));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getGCSafePoint(Pdpb.GetGCSafePointRequest request, StreamObserver<Pdpb.GetGCSafePointResponse> out) {
    if (clusterMismatch(request.getHeader(), out)) {
      return;
    }
    out.onNext(Pdpb.GetGCSafePointResponse.newBuilder().setHeader(header())
        .setSafePoint(gcSafePoint.getAsLong()).build());
    out.onCompleted();
  }

  @Override
  public void updateServiceGCSafePoint(Pdpb.UpdateServiceGCSafePointRequest request,
      StreamObserver<Pdpb.UpdateServiceGCSafePointResponse> out) {
    if (clusterMismatch(request.getHeader(), out)) {
      return;
    }
    long now = System.currentTimeMillis() / 1000;
    ServiceSafePoints.Result r = safePoints.update(request.getServiceId().toString(StandardCharsets.UTF_8),
        request.getTTL(), request.getSafePoint(), now);
    Pdpb.UpdateServiceGCSafePointResponse.Builder b =
        Pdpb.UpdateServiceGCSafePointResponse.newBuilder().setHeader(header());
    if (r.min() != null) {
      b.setServiceId(ByteString.copyFrom(r.min().serviceId(), StandardCharsets.UTF_8))
          .setTTL(r.min().expiresAtSeconds() == Long.MAX_VALUE ? Long.MAX_VALUE : r.min().expiresAtSeconds() - now)
          .setMinSafePoint(r.min().safePoint());
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
