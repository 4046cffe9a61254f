package io.kcdc.upstream.kv;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A read view of an {@link MvccStore} at one timestamp. */
final class MvccSnapshot implements Snapshot {
  private final MvccStore store;
  private final long readTs;

  MvccSnapshot(MvccStore store, long readTs) {
    this.store = store;
    this.readTs = readTs;
  }

  @Override
  public long readTs() {
    return readTs;
  }

  @Override
  public Optional<byte[]> get(byte[] rawKey) {
    return store.get(rawKey, readTs).map(MvccValue::value);
  }

  @Override
  public List<KvPair> scan(byte[] startRaw, byte[] endRaw, int limit) {
    List<KvPair> out = new ArrayList<>();
    for (MvccValue v : store.scan(encodedSpan(startRaw, endRaw), readTs, limit)) {
      out.add(new KvPair(v.rawKey(), v.value()));
    }
    return out;
  }

  /** Raw bounds to encoded ones; empty stays empty (-inf / +inf). */
  static KeySpan encodedSpan(byte[] startRaw, byte[] endRaw) {
    return new KeySpan(
        startRaw == null || startRaw.length == 0 ? new byte[0] : Codec.encodeBytes(startRaw),
        endRaw == null || endRaw.length == 0 ? new byte[0] : Codec.encodeBytes(endRaw));
  }
}
