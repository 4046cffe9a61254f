package io.kcdc.connector.tikv;

import io.grpc.StatusRuntimeException;
import io.kcdc.kvproto.Errorpb;
import io.kcdc.kvproto.Kvrpcpb;
import io.kcdc.kvproto.TikvGrpc;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What every unary {@code Tikv} call to a region's leader shares: the request context, the stub of
 * the leader's store, and the reaction to failures: a transport error forgets the region and the
 * store address, a region error updates or forgets the cached region; both throw a retryable
 * {@link TikvException} for the caller's {@link Backoff}.
 */
final class RegionRequests {
  private static final long CALL_TIMEOUT_MS = 20_000;

  private final RegionCache regions;
  private final ChannelPool channels;

  RegionRequests(RegionCache regions, ChannelPool channels) {
    this.regions = regions;
    this.channels = channels;
  }

  RegionCache regions() {
    return regions;
  }

  Kvrpcpb.Context context(RegionInfo region) {
    return Kvrpcpb.Context.newBuilder().setRegionId(region.id()).setRegionEpoch(region.epoch())
        .setPeer(region.leader()).setClusterId(regions.pd().clusterId()).build();
  }

  /** Runs an RPC on the region's leader; a transport failure makes the next attempt look both up again. */
  <T> T call(RegionInfo region, Function<TikvGrpc.TikvBlockingStub, T> rpc) {
    String address = regions.storeAddress(region.leader().getStoreId());
    try {
      return rpc.apply(TikvGrpc.newBlockingStub(channels.channel(address))
          .withDeadlineAfter(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    } catch (StatusRuntimeException e) {
      regions.invalidate(region.id());
      regions.invalidateStore(region.leader().getStoreId());
      throw e;
    }
  }

  /** Learns from a region error (a new leader, or a stale region) and throws it as retryable. */
  void throwRegionError(RegionInfo region, Errorpb.Error error) {
    if (error.hasNotLeader() && error.getNotLeader().hasLeader()) {
      regions.updateLeader(region.id(), error.getNotLeader().getLeader());
    } else {
      regions.invalidate(region.id());
    }
    throw new TikvException("region error on " + region + ": " + error);
  }
}
