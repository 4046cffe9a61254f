package io.kcdc.upstream.tikv;

import io.kcdc.tidb.KeySpan;

/**
 * One {@code (request_id, region_id)} registered on an EventFeed stream with the encoded span it
 * observes (the request range cut to the region).
 */
final class Registration {
  final long requestId;
  final long regionId;
  /** What the stream keys it by: (request, region), or (0, region) on a store before 7.3. */
  final Key key;
  /** Null when the request range does not overlap the region: nothing to observe. */
  final KeySpan span;
  final boolean oldValue;
  /** Set under the store lock together with the incremental scan; from then on rows flow live. */
  volatile boolean initialized;
  /** Largest resolved ts sent, so the stream never moves a region's resolved ts back. */
  long lastResolvedTs;

  Registration(Key key, long requestId, long regionId, KeySpan span, boolean oldValue) {
    this.key = key;
    this.requestId = requestId;
    this.regionId = regionId;
    this.span = span;
    this.oldValue = oldValue;
  }

  record Key(long requestId, long regionId) {}

  Key key() {
    return key;
  }
}
