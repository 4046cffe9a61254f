package io.kcdc.capture.ddl;

import io.kcdc.avro.Barrier;
import io.kcdc.avro.Ddl;
import io.kcdc.connector.InternalEvents;
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
import io.kcdc.streams.sink.Acks;
import io.kcdc.streams.filter.EventFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's DDL side of one running changefeed: a {@link DdlPuller} from the changefeed
 * checkpoint feeds a {@link DdlSchedule}; every owner tick writes a changed barrier to every
 * partition of the internal rows topic (the sorters hold rows above it), writes the DDLs that
 * became due to the sink, and reports the checkpoint over the tables replicated up to the barrier.
 */
public final class DdlCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DdlCoordinator.class);

  private final String changefeed;
  private final ChannelPool channels;
  private final PdClient pd;
  private final DdlPuller puller;
  private final DdlSchedule schedule;
  private final Producer<byte[], byte[]> producer;
  private final String rowsTopic;
  private final int partitions;
  private long writtenBarrier = -1;
  private boolean barrierWritten;

  /** What one tick found. */
  public record Step(OptionalLong checkpointTs, long barrierTs, Set<Long> tables, SchemaSnapshot schema) {}

  /**
   * Reads the schema at {@code checkpointTs} and starts the DDL puller there.
   *
   * @param eventFilter the changefeed's event filters: DDLs they ignore are applied but not written
   * @param producer writes barriers; shared, not closed here
   */
  public DdlCoordinator(String changefeed, List<String> pdAddresses, long checkpointTs, TableSelection selection,
      EventFilter eventFilter, String rowsTopic, int partitions, Producer<byte[], byte[]> producer,
      long resolvedTsIntervalMs) {
    this.changefeed = changefeed;
    this.rowsTopic = rowsTopic;
    this.partitions = partitions;
    this.producer = producer;
    this.channels = new ChannelPool();
    try {
      this.pd = new PdClient(pdAddresses, channels, Backoff.DEFAULT);
      RegionCache regions = new RegionCache(pd);
      SchemaSnapshot start = new SchemaLoader(new KvClient(regions, channels, Backoff.DEFAULT)).load(checkpointTs);
      this.schedule = new DdlSchedule(new SchemaStorage(start), selection, new DdlEvents(selection.filter(), eventFilter));
      this.puller = new DdlPuller(regions, channels, DdlJobRows.of(start), checkpointTs, resolvedTsIntervalMs);
    } catch (RuntimeException e) {
      channels.close();
      throw e;
    }
  }

  /**
   * One owner tick.
   *
   * @param minCheckpoint the minimum sink checkpoint of the given tables, empty while one is unknown
   * @param sink writes one DDL event to the sink and returns once it is acknowledged
   */
  public Step step(Function<Set<Long>, OptionalLong> minCheckpoint, Consumer<Ddl> sink) throws InterruptedException {
    Throwable failure = puller.failure();
    if (failure != null) {
      throw new IllegalStateException("DDL puller of " + changefeed + " failed: " + failure.getMessage(), failure);
    }
    DdlPuller.Batch batch = puller.poll(0);
    schedule.onJobs(batch.jobs(), batch.resolvedTs());
    while (true) {
      writeBarrier(schedule.barrierTs());
      OptionalLong checkpoint = schedule.checkpoint(minCheckpoint);
      if (checkpoint.isEmpty() || !schedule.due(checkpoint.getAsLong())) {
        if (checkpoint.isPresent()) {
          schedule.gc(checkpoint.getAsLong());
        }
        return new Step(checkpoint, schedule.barrierTs(), schedule.tables(), schedule.schemaAtBarrier());
      }
      for (Ddl ddl : schedule.dueEvents()) {
        LOG.info("changefeed {}: writing DDL at {}: {}", changefeed, Long.toUnsignedString(ddl.getCommitTs()), ddl.getQuery());
        sink.accept(ddl);
      }
      schedule.written();
    }
  }

  private void writeBarrier(long ts) {
    if (barrierWritten && ts == writtenBarrier) {
      return;
    }
    byte[] value = InternalEvents.serialize(Barrier.newBuilder().setBarrierTs(ts).build());
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      acks.add(producer.send(new ProducerRecord<>(rowsTopic, p, null, value)));
    }
    Acks.await(producer, acks, "the barrier of " + changefeed);
    writtenBarrier = ts;
    barrierWritten = true;
  }

  @Override
  public void close() {
    puller.close();
    pd.close();
    channels.close();
  }
}
