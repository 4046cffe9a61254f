package io.kcdc.streams.tablesink;

import io.kcdc.streams.codec.RowEventEncoder;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.selector.ColumnSelector;
import io.kcdc.streams.sink.DmlProducer;
import io.kcdc.streams.sink.PartitionCounts;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where released rows go. {@code router == null} is the blackhole sink: rows are dropped, progress is kept.
 *
 * @param splitUpdates split updates of handle/unique keys (off with {@code output-raw-change-event}); the sorter
 *     buffers the split rows, so they are released in TiCDC's delete-before-insert order
 * @param selector {@code sink.column_selectors}
 * @param encoderConcurrency {@code sink.encoder_concurrency}: threads encoding a released chunk (per task)
 * @param dmlProducer for a sink on another Kafka cluster: a task's producer by stream task id; null writes the rows
 *     through {@link TableSink#SINK_NODE} in the Streams transaction
 */
public record SinkPlan(EventRouter router, Supplier<RowEventEncoder> encoders, PartitionCounts partitions,
    boolean splitUpdates, ColumnSelector selector, int encoderConcurrency,
    Function<String, DmlProducer> dmlProducer) {

  public SinkPlan {
    selector = selector == null ? ColumnSelector.none() : selector;
    if (encoderConcurrency < 1) {
      throw new IllegalArgumentException("encoder concurrency must be at least 1, got " + encoderConcurrency);
    }
  }

  /** Encoding on the stream thread. */
  public SinkPlan(EventRouter router, Supplier<RowEventEncoder> encoders, PartitionCounts partitions,
      boolean splitUpdates) {
    this(router, encoders, partitions, splitUpdates, ColumnSelector.none(), 1, null);
  }

  /** The same plan writing through the given producers (a sink on another cluster). */
  public SinkPlan withDmlProducer(Function<String, DmlProducer> producers) {
    return new SinkPlan(router, encoders, partitions, splitUpdates, selector, encoderConcurrency, producers);
  }

  public static SinkPlan blackhole() {
    return new SinkPlan(null, null, null, true);
  }

  /** True for the blackhole sink, which drops every row. */
  boolean discardsRows() {
    return router == null;
  }
}
