package io.kcdc.upstream.cluster;

import com.google.protobuf.ByteString;
import io.kcdc.kvproto.Metapb;

/** Translates the cluster's regions and stores into metapb messages for the PD and TiKV services. */
public final class RegionMetas {
  /** The version PD reports for itself; TiCDC accepts stores in [7.1.0-alpha, 10.0.0). */
  public static final String STORE_VERSION = "8.5.0";

  private RegionMetas() {}

  public static Metapb.Region region(Region r) {
    Metapb.Region.Builder b = Metapb.Region.newBuilder()
        .setId(r.id())
        .setStartKey(ByteString.copyFrom(r.span().start()))
        .setEndKey(ByteString.copyFrom(r.span().end()))
        .setRegionEpoch(epoch(r));
    for (Peer p : r.peers()) {
      b.addPeers(peer(p));
    }
    return b.build();
  }

  public static Metapb.RegionEpoch epoch(Region r) {
    return Metapb.RegionEpoch.newBuilder().setConfVer(r.confVer()).setVersion(r.version()).build();
  }

  public static Metapb.Peer peer(Peer p) {
    return Metapb.Peer.newBuilder().setId(p.id()).setStoreId(p.storeId()).build();
  }

  public static Metapb.Store store(StoreInfo s) {
    return Metapb.Store.newBuilder()
        .setId(s.id())
        .setAddress(s.address())
        .setPeerAddress(s.address())
        .setState(Metapb.StoreState.Up)
        .setVersion(s.version())
        .setStartTimestamp(s.startTimestampSeconds())
        .setLastHeartbeat(System.currentTimeMillis() * 1_000_000L)
        .build();
  }
}
