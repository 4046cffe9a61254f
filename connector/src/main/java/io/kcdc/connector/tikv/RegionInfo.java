package io.kcdc.connector.tikv;

import io.kcdc.kvproto.Metapb;
import io.kcdc.tidb.KeySpan;

/** A region as PD reports it, with its leader peer (null when PD knows none). Keys are encoded. */
public record RegionInfo(Metapb.Region meta, Metapb.Peer leader) {

  public long id() {
    return meta.getId();
  }

  public KeySpan span() {
    return new KeySpan(meta.getStartKey().toByteArray(), meta.getEndKey().toByteArray());
  }

  public Metapb.RegionEpoch epoch() {
    return meta.getRegionEpoch();
  }

  public boolean hasLeader() {
    return leader != null && leader.getStoreId() != 0;
  }

  /** The same region with another leader. */
  public RegionInfo withLeader(Metapb.Peer newLeader) {
    return new RegionInfo(meta, newLeader);
  }

  @Override
  public String toString() {
    return "region " + id() + " v" + epoch().getVersion() + " " + span()
        + (hasLeader() ? " leader store " + leader.getStoreId() : " no leader");
  }
}
