package io.kcdc.connector.schema;

import io.kcdc.common.Tso;
import io.kcdc.connector.puller.EventQueue;
import io.kcdc.connector.puller.Puller;
import io.kcdc.connector.puller.PullerEvent;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.TableCodec;
import io.kcdc.tidb.schema.DdlJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TiCDC's DDL puller (docs/schema-and-ddl.md#ddl-job-source): pulls the record span of
 * {@code mysql.tidb_ddl_job} from a start ts on its own EventFeed streams, keeps the finished jobs
 * sorted by finished ts, and hands them out only once the span's resolved ts has passed them, so
 * every job with a smaller finished ts is known by then. Not thread-safe: one thread polls.
 */
public final class DdlPuller implements AutoCloseable {
  /** Small: DDL jobs are few; a full queue only slows the job span's streams. */
  private static final long QUEUE_BYTES = 64L << 20;

  private final DdlJobRows rows;
  private final EventQueue queue = new EventQueue(QUEUE_BYTES);
  private final Puller puller;
  /** Finished jobs not yet handed out, by (finished ts, start ts). */
  private final TreeMap<JobOrder, DdlJob> pending = new TreeMap<>();
  private long resolvedTs;

  /** What {@link #poll} hands out: jobs in finished-ts order, all at or below {@code resolvedTs}. */
  public record Batch(List<DdlJob> jobs, long resolvedTs) {}

  private record JobOrder(long finishedTs, long startTs, long jobId) implements Comparable<JobOrder> {
    @Override
    public int compareTo(JobOrder o) {
      int c = Tso.compare(finishedTs, o.finishedTs);
      if (c == 0) {
        c = Tso.compare(startTs, o.startTs);
      }
      return c != 0 ? c : Long.compare(jobId, o.jobId);
    }
  }

  public DdlPuller(RegionCache regions, ChannelPool channels, DdlJobRows rows, long startTs, long resolvedTsIntervalMs) {
    this.rows = rows;
    this.resolvedTs = startTs;
    this.puller = new Puller(regions, channels, queue, resolvedTsIntervalMs);
    puller.subscribe(TableCodec.DDL_JOB_TABLE_ID, List.of(TableCodec.DDL_JOB_TABLE_ID), startTs);
    puller.start();
  }

  /** The ts every job at or below has been handed out. */
  public long resolvedTs() {
    return resolvedTs;
  }

  /** The fatal error of the job span's puller, or null. */
  public Throwable failure() {
    return puller.failure();
  }

  /** Takes what arrived, waiting up to {@code timeoutMs} for something. */
  public Batch poll(long timeoutMs) throws InterruptedException {
    for (PullerEvent e : queue.drain(Integer.MAX_VALUE, timeoutMs)) {
      if (e instanceof PullerEvent.RowEvent row) {
        rows.parse(row.entry()).ifPresent(job -> {
          if (Tso.after(job.binlog().finishedTs(), resolvedTs)) {
            pending.put(new JobOrder(job.binlog().finishedTs(), job.startTs(), job.id()), job);
          }
        });
      } else if (e instanceof PullerEvent.Resolved r && Tso.after(r.resolvedTs(), resolvedTs)) {
        resolvedTs = r.resolvedTs();
      }
    }
    List<DdlJob> ready = new ArrayList<>();
    while (!pending.isEmpty() && !Tso.after(pending.firstKey().finishedTs(), resolvedTs)) {
      Map.Entry<JobOrder, DdlJob> first = pending.pollFirstEntry();
      ready.add(first.getValue());
    }
    return new Batch(ready, resolvedTs);
  }

  @Override
  public void close() {
    puller.close();
  }
}
