package io.kcdc.connector.puller;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kcdc.kvproto.Cdcpb.Event.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a puller's unmatched prewrites go once they outgrow their share of the heap. TiKV sends a transaction's
 * PREWRITE rows (with the values) before its COMMIT rows (without), so until the commit the values wait in the
 * matchers: a transaction of a million rows would hold them all on the heap. Up to {@code heapBudget} bytes
 * (serialized rows, shared by every matcher of the puller) stay on the heap; beyond it they are written to a RocksDB
 * in a temporary directory, opened on the first spill and deleted on {@link #close()}. The data is only a cache of
 * what TiKV sends again after a restart (a registration's incremental scan), so it is written without a WAL.
 *
 * <p>Thread-safe: the matchers of several streams share it. See docs/large-rows.md#large-transactions.
 */
public final class PrewriteSpill implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrewriteSpill.class);

  static {
    RocksDB.loadLibrary();
  }

  private final long heapBudget;
  private final Path parent;
  private final AtomicLong heapBytes = new AtomicLong();
  private final AtomicLong spilledBytes = new AtomicLong();
  private final AtomicLong nextMatcherId = new AtomicLong();
  private Path dir;
  private Options options;
  private WriteOptions writeOptions;
  private LRUCache cache;
  private RocksDB db;
  private boolean closed;

  /**
   * @param heapBudget bytes of serialized prewrites kept on the heap before spilling
   * @param parent where the spill's temporary directory is created
   */
  public PrewriteSpill(long heapBudget, Path parent) {
    this.heapBudget = heapBudget;
    this.parent = parent;
  }

  /** A spill that never spills: for tests of the matching alone. */
  static PrewriteSpill heapOnly() {
    return new PrewriteSpill(Long.MAX_VALUE, null);
  }

  long newMatcherId() {
    return nextMatcherId.incrementAndGet();
  }

  /** Takes {@code bytes} of the heap budget if they fit; the caller keeps the row on the heap then. */
  boolean reserve(long bytes) {
    while (true) {
      long used = heapBytes.get();
      if (used + bytes > heapBudget && used > 0) {
        return false;
      }
      if (heapBytes.compareAndSet(used, used + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    heapBytes.addAndGet(-bytes);
  }

  /** Serialized prewrites on the heap now. */
  public long heapBytes() {
    return heapBytes.get();
  }

  /** Serialized prewrites on disk now. */
  public long spilledBytes() {
    return spilledBytes.get();
  }

  void put(long matcherId, long startTs, byte[] key, Row row) {
    byte[] value = row.toByteArray();
    try {
      db().put(writeOptions, dbKey(matcherId, startTs, key), value);
      spilledBytes.addAndGet(value.length);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot spill a prewrite to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The spilled prewrite, or null. */
  Row get(long matcherId, long startTs, byte[] key) {
    try {
      byte[] v = db().get(dbKey(matcherId, startTs, key));
      return v == null ? null : Row.parseFrom(v);
    } catch (RocksDBException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read a spilled prewrite from " + dir + ": " + e.getMessage(), e);
    }
  }

  void delete(long matcherId, long startTs, byte[] key, Row row) {
    try {
      db().delete(writeOptions, dbKey(matcherId, startTs, key));
      spilledBytes.addAndGet(-row.getSerializedSize());
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot delete a spilled prewrite from " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Forgets everything a matcher spilled (its region was deregistered; TiKV sends it again if needed). */
  void discard(long matcherId, long bytes) {
    try {
      db().deleteRange(writeOptions, prefix(matcherId), prefix(matcherId + 1));
      spilledBytes.addAndGet(-bytes);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot discard spilled prewrites in " + dir + ": " + e.getMessage(), e);
    }
  }

  private synchronized RocksDB db() {
    if (closed) {
      throw new IllegalStateException("the prewrite spill is closed");
    }
    if (db == null) {
      try {
        dir = Files.createTempDirectory(parent, "kcdc-prewrites-");
        cache = new LRUCache(8L << 20);
        options = new Options().setCreateIfMissing(true).setWriteBufferSize(16L << 20).setMaxWriteBufferNumber(2)
            .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        writeOptions = new WriteOptions().setDisableWAL(true);
        db = RocksDB.open(options, dir.toString());
        LOG.info("unmatched prewrites are over {} bytes on the heap; the rest waits in {}", heapBudget, dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for spilled prewrites in " + parent, e);
      } catch (RocksDBException e) {
        throw new IllegalStateException("cannot open the prewrite spill in " + dir + ": " + e.getMessage(), e);
      }
    }
    return db;
  }

  private static byte[] dbKey(long matcherId, long startTs, byte[] key) {
    return ByteBuffer.allocate(16 + key.length).putLong(matcherId).putLong(startTs).put(key).array();
  }

  private static byte[] prefix(long matcherId) {
    return ByteBuffer.allocate(8).putLong(matcherId).array();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (db == null) {
      return;
    }
    db.close();
    writeOptions.close();
    options.close();
    cache.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans it up eventually
    }
  }
}
