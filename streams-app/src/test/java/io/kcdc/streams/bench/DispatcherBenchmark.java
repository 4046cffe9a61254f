package io.kcdc.streams.bench;

import io.kcdc.streams.dispatcher.ColumnsDispatcher;
import io.kcdc.streams.dispatcher.IndexValueDispatcher;
import io.kcdc.streams.dispatcher.PartitionDispatcher;
import io.kcdc.streams.dispatcher.TopicDispatcher;
import io.kcdc.streams.model.RowEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Rows per second one core routes, per partition dispatcher (16 partitions) and for a topic expression. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DispatcherBenchmark {
  @Param({"table", "ts", "index-value", "columns", "topic-expression"})
  public String dispatcher;

  private RowEvent row;
  private PartitionDispatcher partition;
  private TopicDispatcher topic;

  @Setup
  public void setup() {
    row = EncoderBenchmark.sampleRow();
    topic = TopicDispatcher.of("cdc_{schema}_{table}", "default", "canal-json");
    partition = switch (dispatcher) {
      case "table", "topic-expression" -> PartitionDispatcher.table();
      case "ts" -> PartitionDispatcher.ts();
      case "index-value" -> new IndexValueDispatcher("");
      case "columns" -> new ColumnsDispatcher(List.of("name", "city"));
      default -> throw new IllegalArgumentException(dispatcher);
    };
  }

  @Benchmark
  public Object dispatch() {
    if (dispatcher.equals("topic-expression")) {
      return topic.topic(row.table().schemaName(), row.table().tableName());
    }
    return partition.partition(row, 16);
  }
}
