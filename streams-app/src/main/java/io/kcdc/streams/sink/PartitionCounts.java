package io.kcdc.streams.sink;

/** How many partitions the sink uses for a topic (creating the topic if needed). */
@FunctionalInterface
public interface PartitionCounts {
  int partitionCount(String topic);
}
