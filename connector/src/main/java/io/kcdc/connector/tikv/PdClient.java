package io.kcdc.connector.tikv;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kcdc.common.Tso;
import io.kcdc.kvproto.Metapb;
import io.kcdc.kvproto.PDGrpc;
import io.kcdc.kvproto.Pdpb;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PD client over gRPC: finds the cluster id and the leader with {@code GetMembers} (trying every
 * configured address), hands out TSOs from one {@code Tso} stream, and answers region, store and
 * GC safe point questions. Every call is retried with {@link Backoff}; a failed call makes the
 * client look for the leader again.
 */
public final class PdClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PdClient.class);
  private static final long CALL_TIMEOUT_MS = 10_000;

  private final List<String> addresses;
  private final ChannelPool channels;
  private final boolean ownsChannels;
  private final Backoff backoff;

  private volatile long clusterId;
  private volatile String leaderAddress;
  private TsoStream tso;

  public PdClient(List<String> addresses) {
    this(addresses, new ChannelPool(), true, Backoff.DEFAULT);
  }

  public PdClient(List<String> addresses, ChannelPool channels, Backoff backoff) {
    this(addresses, channels, false, backoff);
  }

  private PdClient(List<String> addresses, ChannelPool channels, boolean owns, Backoff backoff) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no PD address");
    }
    this.addresses = List.copyOf(addresses);
    this.channels = channels;
    this.ownsChannels = owns;
    this.backoff = backoff;
    backoff.retry("connect to PD " + addresses, () -> {
      discoverLeader();
      return null;
    });
  }

  /** The cluster id every request header carries. */
  public long clusterId() {
    return clusterId;
  }

  private void discoverLeader() {
    TikvException last = null;
    for (String a : addresses) {
      try {
        Pdpb.GetMembersResponse r = PDGrpc.newBlockingStub(channels.channel(a))
            .withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .getMembers(Pdpb.GetMembersRequest.newBuilder().setHeader(header(0)).build());
        checkHeader(r.getHeader());
        clusterId = r.getHeader().getClusterId();
        String leader = r.hasLeader() && r.getLeader().getClientUrlsCount() > 0
            ? r.getLeader().getClientUrls(0) : a;
        leaderAddress = leader;
        return;
      } catch (StatusRuntimeException | TikvException e) {
        last = new TikvException("PD " + a + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }

  private static Pdpb.RequestHeader header(long clusterId) {
    return Pdpb.RequestHeader.newBuilder().setClusterId(clusterId).setCallerComponent("kcdc-connector").build();
  }

  private Pdpb.RequestHeader header() {
    return header(clusterId);
  }

  private static void checkHeader(Pdpb.ResponseHeader h) {
    if (h.hasError() && h.getError().getType() != Pdpb.ErrorType.OK) {
      throw new PdError(h.getError().getType(), h.getError().getMessage());
    }
  }

  /** An error PD reported in a response header. */
  public static final class PdError extends TikvException {
    private final Pdpb.ErrorType type;

    PdError(Pdpb.ErrorType type, String message) {
      super("PD error " + type + ": " + message);
      this.type = type;
    }

    public Pdpb.ErrorType type() {
      return type;
    }
  }

  private <T> T call(String what, Function<PDGrpc.PDBlockingStub, T> rpc) {
    return backoff.retry(what, () -> {
      try {
        return rpc.apply(PDGrpc.newBlockingStub(channels.channel(leaderAddress))
            .withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS));
      } catch (StatusRuntimeException e) {
        LOG.debug("PD call {} failed, looking for the leader again", what, e);
        try {
          discoverLeader();
        } catch (TikvException ignored) {
          // the next attempt reports the failure
        }
        throw e;
      }
    });
  }

  /** A fresh timestamp from PD's TSO. */
  public synchronized long currentTs() {
    return backoff.retry("get TSO", () -> {
      if (tso == null) {
        tso = new TsoStream(PDGrpc.newStub(channels.channel(leaderAddress)));
      }
      try {
        return tso.next(header());
      } catch (RuntimeException e) {
        tso.close();
        tso = null;
        discoverLeader();
        throw e;
      }
    });
  }

  /** Regions overlapping {@code [startKey, endKey)} (encoded keys, empty end = +inf), in key order. */
  public List<RegionInfo> scanRegions(byte[] startKey, byte[] endKey, int limit) {
    Pdpb.ScanRegionsResponse r = call("ScanRegions", s -> s.scanRegions(Pdpb.ScanRegionsRequest.newBuilder()
        .setHeader(header()).setStartKey(ByteString.copyFrom(startKey))
        .setEndKey(ByteString.copyFrom(endKey)).setLimit(limit).build()));
    checkHeader(r.getHeader());
    List<RegionInfo> out = new ArrayList<>();
    if (r.getRegionsCount() > 0) {
      for (Pdpb.Region region : r.getRegionsList()) {
        out.add(new RegionInfo(region.getRegion(), region.hasLeader() ? region.getLeader() : null));
      }
    } else {
      for (int i = 0; i < r.getRegionMetasCount(); i++) {
        out.add(new RegionInfo(r.getRegionMetas(i), i < r.getLeadersCount() ? r.getLeaders(i) : null));
      }
    }
    return out;
  }

  /** The region containing the encoded {@code key}, or null. */
  public RegionInfo getRegion(byte[] key) {
    Pdpb.GetRegionResponse r = call("GetRegion", s -> s.getRegion(Pdpb.GetRegionRequest.newBuilder()
        .setHeader(header()).setRegionKey(ByteString.copyFrom(key)).build()));
    return regionOf(r);
  }

  /** The region with this id, or null. */
  public RegionInfo getRegionById(long regionId) {
    Pdpb.GetRegionResponse r = call("GetRegionByID", s -> s.getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder()
        .setHeader(header()).setRegionId(regionId).build()));
    return regionOf(r);
  }

  private static RegionInfo regionOf(Pdpb.GetRegionResponse r) {
    if (r.getHeader().hasError() && r.getHeader().getError().getType() == Pdpb.ErrorType.REGION_NOT_FOUND) {
      return null;
    }
    checkHeader(r.getHeader());
    if (!r.hasRegion() || r.getRegion().getId() == 0) {
      return null;
    }
    return new RegionInfo(r.getRegion(), r.hasLeader() ? r.getLeader() : null);
  }

  public Metapb.Store getStore(long storeId) {
    Pdpb.GetStoreResponse r = call("GetStore", s -> s.getStore(Pdpb.GetStoreRequest.newBuilder()
        .setHeader(header()).setStoreId(storeId).build()));
    checkHeader(r.getHeader());
    return r.getStore();
  }

  /** Every store that is not a tombstone. */
  public List<Metapb.Store> getAllStores() {
    Pdpb.GetAllStoresResponse r = call("GetAllStores", s -> s.getAllStores(Pdpb.GetAllStoresRequest.newBuilder()
        .setHeader(header()).setExcludeTombstoneStores(true).build()));
    checkHeader(r.getHeader());
    return r.getStoresList();
  }

  /**
   * Sets the service GC safe point of {@code serviceId} (TTL in seconds; 0 removes it) and
   * returns PD's minimum service safe point.
   */
  public long updateServiceGcSafePoint(String serviceId, long ttlSeconds, long safePoint) {
    Pdpb.UpdateServiceGCSafePointResponse r = call("UpdateServiceGCSafePoint",
        s -> s.updateServiceGCSafePoint(Pdpb.UpdateServiceGCSafePointRequest.newBuilder().setHeader(header())
            .setServiceId(ByteString.copyFrom(serviceId, StandardCharsets.UTF_8))
            .setTTL(ttlSeconds).setSafePoint(safePoint).build()));
    checkHeader(r.getHeader());
    return r.getMinSafePoint();
  }

  /** The cluster's GC safe point: no snapshot read below it is possible. */
  public long getGcSafePoint() {
    Pdpb.GetGCSafePointResponse r = call("GetGCSafePoint", s -> s.getGCSafePoint(
        Pdpb.GetGCSafePointRequest.newBuilder().setHeader(header()).build()));
    checkHeader(r.getHeader());
    return r.getSafePoint();
  }

  @Override
  public synchronized void close() {
    if (tso != null) {
      tso.close();
      tso = null;
    }
    if (ownsChannels) {
      channels.close();
    }
  }

  /** One long-lived {@code Tso} bidi stream; requests are answered in order. */
  private static final class TsoStream implements StreamObserver<Pdpb.TsoResponse> {
    private final BlockingQueue<Object> responses = new ArrayBlockingQueue<>(16);
    private final StreamObserver<Pdpb.TsoRequest> requests;

    TsoStream(PDGrpc.PDStub stub) {
      this.requests = stub.tso(this);
    }

    long next(Pdpb.RequestHeader header) throws InterruptedException {
      requests.onNext(Pdpb.TsoRequest.newBuilder().setHeader(header).setCount(1).build());
      Object o = responses.poll(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (o == null) {
        throw new TikvException("TSO request timed out");
      }
      if (o instanceof Throwable t) {
        throw new TikvException("TSO stream failed: " + t.getMessage(), t);
      }
      Pdpb.TsoResponse r = (Pdpb.TsoResponse) o;
      checkHeader(r.getHeader());
      Pdpb.Timestamp ts = r.getTimestamp();
      // PD puts the suffix into the logical part itself; suffix_bits only tells its width
      // (docs/tikv-eventfeed.md): shifting again would corrupt the timestamp.
      return Tso.compose(ts.getPhysical(), ts.getLogical());
    }

    @Override
    public void onNext(Pdpb.TsoResponse value) {
      responses.offer(value);
    }

    @Override
    public void onError(Throwable t) {
      responses.offer(t);
    }

    @Override
    public void onCompleted() {
      responses.offer(new TikvException("TSO stream closed by PD"));
    }

    void close() {
      try {
        requests.onCompleted();
      } catch (RuntimeException ignored) {
        // the stream is already gone
      }
    }
  }
}
