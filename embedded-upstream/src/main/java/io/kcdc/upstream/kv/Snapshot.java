package io.kcdc.upstream.kv;

import java.util.List;
import java.util.Optional;

/** Reads at one timestamp; a read that meets a lock of an unfinished older transaction waits for it. */
public interface Snapshot {
  long readTs();

  Optional<byte[]> get(byte[] rawKey);

  /** Committed pairs in {@code [startRaw, endRaw)} in key order; an empty end means +inf. */
  List<KvPair> scan(byte[] startRaw, byte[] endRaw, int limit);
}
