package io.kcdc.connector.puller;

import io.kcdc.connector.tikv.RegionInfo;
import io.kcdc.connector.tikv.TikvException;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.kvproto.Cdcpb.Event.Row;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import java.util.ArrayList;
import java.util.List;

/**
 * The puller's view of one registered region (TiCDC's {@code regionFeedState} plus the row
 * handling of its region worker). Pure logic: rows in, committed {@link RawKvEntry}s out.
 *
 * <p>Owned by the thread of the stream it is registered on: only that thread reads or changes
 * its matcher, resolved ts and flags once it is registered. Other threads only see the final
 * fields (the range lock token among them).
 */
final class RegionFeedState {
  private final long requestId;
  private final long lockToken;
  private final RegionInfo region;
  private final KeySpan span;
  private final long tableStartTs;
  private final Matcher matcher;
  private final ResolveLockScheduler.RegionLag lag;
  private long resolvedTs;
  private boolean initialized;
  private boolean stopped;

  /**
   * @param span the requested (encoded) span: the table span cut to the region
   * @param checkpointTs the ts the region is registered from; its resolved ts starts there
   * @param tableStartTs commits at or below it are stale and dropped
   * @param lockToken the {@link RangeLock} token of the span part this registration holds
   */
  RegionFeedState(long requestId, RegionInfo region, KeySpan span, long checkpointTs, long tableStartTs,
      long lockToken) {
    this(requestId, region, span, checkpointTs, tableStartTs, lockToken, PrewriteSpill.heapOnly());
  }

  /** @param prewrites where the region's unmatched prewrites wait */
  RegionFeedState(long requestId, RegionInfo region, KeySpan span, long checkpointTs, long tableStartTs,
      long lockToken, PrewriteSpill prewrites) {
    this.matcher = new Matcher(prewrites);
    this.requestId = requestId;
    this.lockToken = lockToken;
    this.region = region;
    this.span = span;
    this.resolvedTs = checkpointTs;
    this.tableStartTs = tableStartTs;
    this.lag = ResolveLockScheduler.track(region.id());
  }

  /** How long its resolved ts has stood, for the {@link ResolveLockScheduler}. */
  ResolveLockScheduler.RegionLag lag() {
    return lag;
  }

  long requestId() {
    return requestId;
  }

  long lockToken() {
    return lockToken;
  }

  RegionInfo region() {
    return region;
  }

  long regionId() {
    return region.id();
  }

  KeySpan span() {
    return span;
  }

  long resolvedTs() {
    return resolvedTs;
  }

  boolean initialized() {
    return initialized;
  }

  boolean stopped() {
    return stopped;
  }

  void stop() {
    stopped = true;
    matcher.discard();
  }

  /**
   * Handles the rows of one event.
   *
   * @throws TikvException.Fatal on a protocol invariant violation (commit at or below the
   *     resolved ts, a commit without prewrite after initialization, an unknown op type)
   */
  List<RawKvEntry> handleRows(List<Row> rows) {
    List<RawKvEntry> out = new ArrayList<>();
    for (Row row : rows) {
      if (row.getType() != Cdcpb.Event.LogType.INITIALIZED && !span.contains(Codec.encodeBytes(row.getKey().toByteArray()))) {
        continue;
      }
      switch (row.getType()) {
        case INITIALIZED -> {
          initialized = true;
          for (Row c : matcher.matchCachedCommits()) {
            emitCommit(c, out);
          }
          matcher.matchCachedRollbacks();
        }
        case COMMITTED -> {
          checkAboveResolved(row);
          out.add(entry(row));
        }
        case PREWRITE -> matcher.putPrewrite(row);
        case COMMIT -> {
          Row matched = matcher.match(row, initialized);
          if (matched == null) {
            if (!initialized) {
              matcher.cacheCommit(row);
              continue;
            }
            throw new TikvException.Fatal("prewrite not match: region " + regionId() + " start ts "
                + row.getStartTs() + " commit ts " + row.getCommitTs());
          }
          emitCommit(matched, out);
        }
        case ROLLBACK -> {
          if (initialized) {
            matcher.rollback(row);
          } else {
            matcher.cacheRollback(row);
          }
        }
        default -> throw new TikvException.Fatal("unknown log type " + row.getType() + " in region " + regionId());
      }
    }
    return out;
  }

  private void emitCommit(Row row, List<RawKvEntry> out) {
    if (row.getCommitTs() <= tableStartTs) {
      return;
    }
    checkAboveResolved(row);
    out.add(entry(row));
  }

  private void checkAboveResolved(Row row) {
    if (row.getCommitTs() <= resolvedTs) {
      throw new TikvException.Fatal("invariant violated: " + row.getType() + " with commit ts " + row.getCommitTs()
          + " <= resolved ts " + resolvedTs + " of region " + regionId());
    }
  }

  private RawKvEntry entry(Row row) {
    RawKvEntry.OpType op = switch (row.getOpType()) {
      case PUT -> RawKvEntry.OpType.PUT;
      case DELETE -> RawKvEntry.OpType.DELETE;
      default -> throw new TikvException.Fatal("unknown op type " + row.getOpType() + " in region " + regionId());
    };
    return new RawKvEntry(op, row.getKey().toByteArray(), row.getValue().toByteArray(), row.getOldValue().toByteArray(),
        row.getStartTs(), row.getCommitTs(), regionId());
  }

  /** Accepts a region resolved ts if initialized and not smaller; true when it moved. */
  boolean advance(long ts) {
    if (!initialized || stopped || ts < resolvedTs) {
      return false;
    }
    boolean moved = ts > resolvedTs;
    resolvedTs = ts;
    return moved;
  }
}
