package io.kcdc.capture.owner;

import io.kcdc.avro.Ddl;
import io.kcdc.common.Tso;
import io.kcdc.connector.TableSelection;
import io.kcdc.connector.schema.DdlJobRows;
import io.kcdc.connector.schema.DdlPuller;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.schema.SchemaStorage;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.streams.filter.EventFilter;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's DDL side of one running changefeed: a {@link DdlPuller} from the changefeed checkpoint feeds a
 * {@link DdlSchedule}; an owner tick writes a changed barrier to every partition of the internal rows topic (the
 * sorters hold rows above it) when the {@link BarrierPacer} says so, writes the DDLs that became due to the sink —
 * unless an earlier owner did already ({@link DdlSink#ddlWrittenTs()}) — and reports the checkpoint over the tables
 * replicated up to the barrier. All writes go through the changefeed's {@link DdlSink}, which a later owner fences.
 */
public final class DdlCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DdlCoordinator.class);
  /** How often a changed barrier is written while no rows flow: as often as an idle connector task checkpoints. */
  static final long IDLE_BARRIER_INTERVAL_MS = 1000;

  private final String changefeed;
  private final ChannelPool channels;
  private final PdClient pd;
  private final DdlPuller puller;
  private final DdlSchedule schedule;
  private final DdlSink sink;
  private final BarrierPacer barriers = new BarrierPacer(IDLE_BARRIER_INTERVAL_MS);

  /** What one tick found. */
  public record Step(OptionalLong checkpointTs, long barrierTs, Set<Long> tables, SchemaSnapshot schema) {}

  /**
   * Reads the schema at {@code checkpointTs} and starts the DDL puller there.
   *
   * @param eventFilter the changefeed's event filters: DDLs they ignore are applied but not written
   * @param sink the changefeed's owner writes; closed with this coordinator
   * @param targetTs the changefeed's {@code target_ts}, 0 for none: the barrier stops there
   */
  public DdlCoordinator(String changefeed, List<String> pdAddresses, io.kcdc.common.security.Credential security, long checkpointTs,
      long targetTs, TableSelection selection, EventFilter eventFilter, DdlSink sink, long resolvedTsIntervalMs) {
    this.changefeed = changefeed;
    this.sink = sink;
    this.channels = new ChannelPool(security);
    try {
      this.pd = new PdClient(pdAddresses, channels, Backoff.DEFAULT);
      RegionCache regions = new RegionCache(pd);
      SchemaSnapshot start = new SchemaLoader(new KvClient(regions, channels, Backoff.DEFAULT)).load(checkpointTs);
      this.schedule = new DdlSchedule(new SchemaStorage(start), selection,
          new DdlEvents(selection.filter(), eventFilter), targetTs);
      this.puller = new DdlPuller(regions, channels, DdlJobRows.of(start), checkpointTs, resolvedTsIntervalMs);
    } catch (RuntimeException e) {
      channels.close();
      sink.close();
      throw e;
    }
  }

  /**
   * One owner tick.
   *
   * @param minCheckpoint the minimum sink checkpoint of the given tables, empty while one is unknown
   * @param rowsFlowing some table reported on its own lately (it has rows): a moved barrier is written at once
   */
  public Step step(Function<Set<Long>, OptionalLong> minCheckpoint, boolean rowsFlowing)
      throws InterruptedException {
    Throwable failure = puller.failure();
    if (failure != null) {
      throw new IllegalStateException("DDL puller of " + changefeed + " failed: " + failure.getMessage(), failure);
    }
    DdlPuller.Batch batch = puller.poll(0);
    schedule.onJobs(batch.jobs(), batch.resolvedTs());
    boolean afterDdl = false;
    while (true) {
      writeBarrier(schedule.barrierTs(), rowsFlowing || afterDdl || schedule.ddlPending());
      OptionalLong checkpoint = schedule.checkpoint(minCheckpoint);
      if (checkpoint.isEmpty() || !schedule.due(checkpoint.getAsLong())) {
        if (checkpoint.isPresent()) {
          schedule.gc(checkpoint.getAsLong());
        }
        return new Step(checkpoint, schedule.barrierTs(), schedule.tables(), schedule.schemaAtBarrier());
      }
      List<Ddl> events = schedule.dueEvents();
      long ts = schedule.dueTs();
      if (!Tso.after(ts, sink.ddlWrittenTs())) {
        LOG.info("changefeed {}: the DDL at {} is in the sink already", changefeed, Long.toUnsignedString(ts));
      } else if (!events.isEmpty()) {
        events.forEach(ddl -> LOG.info("changefeed {}: writing DDL at {}: {}", changefeed,
            Long.toUnsignedString(ddl.getCommitTs()), ddl.getQuery()));
        sink.writeDdl(ts, events);
      }
      schedule.written();
      afterDdl = true;
    }
  }

  private void writeBarrier(long ts, boolean prompt) {
    long now = System.nanoTime() / 1_000_000; // monotonic: only differences count
    if (barriers.due(ts, now, prompt)) {
      sink.writeBarrier(ts);
      barriers.written(ts, now);
    }
  }

  /** The changefeed's owner writes (checkpoint events go through it too). */
  public DdlSink sink() {
    return sink;
  }

  @Override
  public void close() {
    sink.close();
    puller.close();
    pd.close();
    channels.close();
  }
}
