package io.kcdc.streams.tablesink;

import io.kcdc.streams.ChangefeedMetrics;
import io.kcdc.avro.RowChange;
import io.kcdc.avro.PartitionProgress;
import io.kcdc.avro.TableProgress;
import io.kcdc.streams.codec.EncodedMessage;
import io.kcdc.streams.codec.EncoderGroup;
import io.kcdc.streams.codec.EncoderGroup.Target;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.progress.ProgressKeys;
import io.kcdc.streams.sink.DmlProducer;
import io.kcdc.streams.sink.SinkRecordKey;
import io.kcdc.streams.sorter.TableSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The table sink of a sorter task (TiCDC's sink manager and table sinks): takes the rows the sorter releases, routes
 * each to its (topic, partition) with the {@link io.kcdc.streams.dispatcher.EventRouter} and applies the column
 * selectors on the stream thread, has each chunk encoded by the {@link EncoderGroup} (one encoder per (topic,
 * partition), batching protocols put several rows into one record; the targets in parallel on
 * {@code sink.encoder_concurrency} threads), forwards the records to {@link #SINK_NODE} from the stream thread, and
 * forwards each table's {@link TableProgress} to {@link #PROGRESS_NODE}.
 *
 * <p>A sink on another Kafka cluster gets the records through the task's own {@link DmlProducer} instead of the sink
 * node, and {@link #write()} returns only once that cluster has acknowledged every record (at-least-once there, see
 * {@link DmlProducer}); the sorter forwards progress after that, so a committed progress record means its rows are
 * in the sink either way.
 */
public final class TableSink implements AutoCloseable {
  public static final String SINK_NODE = "sink";
  public static final String PROGRESS_NODE = "progress";

  private static final AvroBinary<TableProgress> PROGRESS = new AvroBinary<>(TableProgress.class);
  private static final AvroBinary<PartitionProgress> PARTITION_PROGRESS = new AvroBinary<>(PartitionProgress.class);

  private final SinkPlan plan;
  private final ProcessorContext<Object, Object> context;
  private final TableSchemas schemas;
  /** One encoder per (topic, partition), so batches never mix partitions; kept for the task's lifetime. */
  private final EncoderGroup encoders;
  /** The rows' way to a sink on another cluster; null when they go through the sink node. */
  private final DmlProducer dml;
  /** The routed rows of the chunk being released, per target in first-seen order. */
  private final Map<Target, List<RowEvent>> chunk = new LinkedHashMap<>();
  private final ChangefeedMetrics metrics;

  /** Opens the task's encoders and, for a sink on another cluster, its producer. */
  public TableSink(SinkPlan plan, ProcessorContext<Object, Object> context, TableSchemas schemas) {
    this(plan, context, schemas, ChangefeedMetrics.of("default", ""));
  }

  /** @param metrics the changefeed's sink metrics (TiCDC's table sink rows, flush lag, send duration) */
  public TableSink(SinkPlan plan, ProcessorContext<Object, Object> context, TableSchemas schemas,
      ChangefeedMetrics metrics) {
    this.metrics = metrics;
    this.plan = plan;
    this.context = context;
    this.schemas = schemas;
    if (plan.discardsRows()) {
      encoders = null;
      dml = null;
    } else {
      encoders = new EncoderGroup(plan.encoders(), plan.encoderConcurrency(),
          "cdc-encoder-" + context.applicationId() + "-" + context.taskId());
      dml = plan.dmlProducer() == null ? null : plan.dmlProducer().apply(context.taskId().toString());
    }
  }

  /** Routes a released row into the current chunk (on the stream thread: routing reads schemas and topics). */
  public void add(RowChange row) {
    if (plan.discardsRows()) {
      return;
    }
    RowEvent event = RowEvent.of(schemas.get(row.getTableId(), row.getSchemaVersion()), row);
    String topic = plan.router().topic(event.table().schemaName(), event.table().tableName());
    int partition = plan.router().partition(event, plan.partitions().partitionCount(topic));
    chunk.computeIfAbsent(new Target(topic, partition), k -> new ArrayList<>()).add(plan.selector().apply(event));
  }

  /**
   * Encodes the chunk (targets in parallel) and forwards its records, target by target in first-seen order; with a
   * sink on another cluster, returns once that cluster has acknowledged them (a checkpoint means "in the sink").
   */
  public void write() {
    long start = System.nanoTime();
    int rows = 0;
    if (!chunk.isEmpty()) {
      long now = System.currentTimeMillis();
      for (List<RowEvent> events : chunk.values()) {
        rows += events.size();
        for (RowEvent event : events) {
          metrics.flushLag(event.commitTs(), now);
        }
      }
      Map<Target, List<EncodedMessage>> built = encoders.encode(chunk);
      chunk.clear();
      for (Map.Entry<Target, List<EncodedMessage>> e : built.entrySet()) {
        forward(e.getKey(), e.getValue());
      }
    }
    if (dml != null) {
      dml.awaitAcks();
    }
    if (rows > 0) {
      metrics.flushed(rows, System.nanoTime() - start);
    }
  }

  private void forward(Target target, List<EncodedMessage> messages) {
    for (EncodedMessage m : messages) {
      if (dml != null) {
        dml.send(target.topic(), target.partition(), m.key(), m.value());
      } else {
        context.forward(new Record<>(new SinkRecordKey(target.topic(), target.partition(), m.key()), m.value(),
            context.currentSystemTimeMs()), SINK_NODE);
      }
    }
  }

  /** Reports a table's new resolved ts and checkpoint to the owner, on the progress topic. */
  public void progress(long tableId, long resolvedTs, long checkpointTs, long lastSyncedTs) {
    TableProgress progress = new TableProgress(tableId, resolvedTs, checkpointTs, lastSyncedTs);
    context.forward(new Record<>(ProgressKeys.table(tableId), PROGRESS.encode(progress), context.currentSystemTimeMs()),
        PROGRESS_NODE);
  }

  /**
   * Reports what holds for every table of internal partition {@code partition} at once (the tables that send no
   * records of their own included), on the progress topic.
   */
  public void partitionProgress(int partition, long resolvedTs, long checkpointTs) {
    PartitionProgress progress = new PartitionProgress(partition, resolvedTs, checkpointTs);
    context.forward(new Record<>(ProgressKeys.partition(partition), PARTITION_PROGRESS.encode(progress),
        context.currentSystemTimeMs()), PROGRESS_NODE);
  }

  @Override
  public void close() {
    if (encoders != null) {
      encoders.close();
    }
    if (dml != null) {
      dml.close();
    }
  }
}
