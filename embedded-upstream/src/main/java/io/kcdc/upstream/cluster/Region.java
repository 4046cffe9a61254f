package io.kcdc.upstream.cluster;

import io.kcdc.tidb.KeySpan;
import java.util.List;

/**
 * A region: a range of ENCODED keys with an epoch ({@code confVer} changes with membership,
 * {@code version} with splits and merges), its peers and the leader among them.
 */
public record Region(long id, KeySpan span, long confVer, long version, List<Peer> peers, Peer leader) {

  public Region {
    peers = List.copyOf(peers);
  }

  public boolean contains(byte[] encodedKey) {
    return span.contains(encodedKey);
  }

  public boolean epochMatches(long confVer, long version) {
    return this.confVer == confVer && this.version == version;
  }
}
