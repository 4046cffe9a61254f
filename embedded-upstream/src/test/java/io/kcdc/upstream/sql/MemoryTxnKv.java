package io.kcdc.upstream.sql;

import io.kcdc.upstream.kv.KvPair;
import io.kcdc.upstream.kv.Snapshot;
import io.kcdc.upstream.kv.Transaction;
import io.kcdc.upstream.kv.TxnKv;
import io.kcdc.upstream.kv.WriteConflictException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small multi-version store for unit tests of the SQL layer: snapshot reads, buffered writes,
 * first-committer-wins conflicts. It counts commits so tests can see transaction boundaries.
 */
final class MemoryTxnKv implements TxnKv {
  private final AtomicLong clock = new AtomicLong(1000);
  /** key -> commit ts -> value (null = delete). */
  private final TreeMap<byte[], TreeMap<Long, byte[]>> data = new TreeMap<>(Arrays::compareUnsigned);
  final AtomicLong commits = new AtomicLong();
  /** Every committed transaction: commit ts and its puts (a null value is a delete). */
  final List<Commit> log = new ArrayList<>();

  /** One committed transaction as the store saw it. */
  record Commit(long commitTs, TreeMap<byte[], byte[]> mutations) {}

  @Override
  public long currentTs() {
    return clock.incrementAndGet();
  }

  @Override
  public Transaction begin() {
    return new Txn(currentTs());
  }

  @Override
  public Snapshot snapshot(long ts) {
    return new Snap(ts);
  }

  private synchronized Optional<byte[]> read(byte[] key, long ts) {
    TreeMap<Long, byte[]> versions = data.get(key);
    if (versions == null) {
      return Optional.empty();
    }
    Map.Entry<Long, byte[]> e = versions.floorEntry(ts);
    return e == null ? Optional.empty() : Optional.ofNullable(e.getValue());
  }

  private synchronized List<KvPair> scanAt(byte[] start, byte[] end, long ts) {
    List<KvPair> out = new ArrayList<>();
    var range = end.length == 0 ? data.tailMap(start, true) : data.subMap(start, true, end, false);
    for (var e : range.entrySet()) {
      Map.Entry<Long, byte[]> v = e.getValue().floorEntry(ts);
      if (v != null && v.getValue() != null) {
        out.add(new KvPair(e.getKey(), v.getValue()));
      }
    }
    return out;
  }

  private class Snap implements Snapshot {
    final long ts;

    Snap(long ts) {
      this.ts = ts;
    }

    @Override
    public long readTs() {
      return ts;
    }

    @Override
    public Optional<byte[]> get(byte[] rawKey) {
      return read(rawKey, ts);
    }

    @Override
    public List<KvPair> scan(byte[] startRaw, byte[] endRaw, int limit) {
      List<KvPair> all = scanAt(startRaw, endRaw, ts);
      return all.size() > limit ? all.subList(0, limit) : all;
    }
  }

  private final class Txn extends Snap implements Transaction {
    private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
    private final TreeMap<byte[], Boolean> deletes = new TreeMap<>(Arrays::compareUnsigned);

    Txn(long startTs) {
      super(startTs);
    }

    @Override
    public long startTs() {
      return ts;
    }

    @Override
    public Optional<byte[]> get(byte[] rawKey) {
      if (deletes.containsKey(rawKey)) {
        return Optional.empty();
      }
      if (writes.containsKey(rawKey)) {
        return Optional.of(writes.get(rawKey));
      }
      return super.get(rawKey);
    }

    @Override
    public List<KvPair> scan(byte[] startRaw, byte[] endRaw, int limit) {
      TreeMap<byte[], byte[]> merged = new TreeMap<>(Arrays::compareUnsigned);
      for (KvPair p : scanAt(startRaw, endRaw, ts)) {
        merged.put(p.key(), p.value());
      }
      for (var e : writes.entrySet()) {
        boolean in = Arrays.compareUnsigned(e.getKey(), startRaw) >= 0
            && (endRaw.length == 0 || Arrays.compareUnsigned(e.getKey(), endRaw) < 0);
        if (in) {
          merged.put(e.getKey(), e.getValue());
        }
      }
      deletes.keySet().forEach(merged::remove);
      List<KvPair> out = new ArrayList<>();
      merged.forEach((k, v) -> out.add(new KvPair(k, v)));
      return out.size() > limit ? out.subList(0, limit) : out;
    }

    @Override
    public void put(byte[] rawKey, byte[] value) {
      deletes.remove(rawKey);
      writes.put(rawKey, value);
    }

    @Override
    public void delete(byte[] rawKey) {
      writes.remove(rawKey);
      deletes.put(rawKey, true);
    }

    @Override
    public long commit() {
      if (writes.isEmpty() && deletes.isEmpty()) {
        return 0;
      }
      synchronized (MemoryTxnKv.this) {
        List<byte[]> keys = new ArrayList<>(writes.keySet());
        keys.addAll(deletes.keySet());
        for (byte[] k : keys) {
          TreeMap<Long, byte[]> versions = data.get(k);
          if (versions != null && !versions.isEmpty() && versions.lastKey() > ts) {
            throw new WriteConflictException("key written after start ts " + ts);
          }
        }
        long commitTs = currentTs();
        writes.forEach((k, v) -> data.computeIfAbsent(k, x -> new TreeMap<>()).put(commitTs, v));
        deletes.keySet().forEach(k -> data.computeIfAbsent(k, x -> new TreeMap<>()).put(commitTs, null));
        commits.incrementAndGet();
        TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
        m.putAll(writes);
        deletes.keySet().forEach(k -> m.put(k, null));
        log.add(new Commit(commitTs, m));
        return commitTs;
      }
    }

    @Override
    public void rollback() {
      writes.clear();
      deletes.clear();
    }
  }
}
