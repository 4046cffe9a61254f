package io.kcdc.streams.progress;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Settings of the compacted topics that every recovery reads from their start: the changefeed's progress topic
 * (a new owner's read) and Connect's offsets topic (a restarted exactly-once task's read). Compaction keeps that
 * read short only if it runs often and drops what it may: Kafka compacts closed segments only (a segment closes at
 * 1 GiB or after 7 days by default), and it keeps tombstones and the commit markers that every transaction leaves
 * in each partition it wrote for {@code delete.retention.ms} (1 day by default). Under the chaos load 99 % of the
 * offsets topic's compacted segments were such markers and a restarted task's read grew from 0.2 s to 2.3 s in a
 * quarter of an hour (docs/crash-recovery.md#topics-read-from-the-start).
 */
public final class ReadFromStartTopics {
  /** A segment closes after a minute, so compaction can reach it. */
  public static final long SEGMENT_MS = 60_000;

  /**
   * Markers and tombstones go a minute after compaction. A reader that takes longer than this to read from the
   * start could miss a tombstone; these reads take seconds.
   */
  public static final long DELETE_RETENTION_MS = 60_000;

  private ReadFromStartTopics() {}

  /** The topic settings, as given when the topic is created. */
  public static Map<String, String> configs() {
    return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(SEGMENT_MS),
        TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(DELETE_RETENTION_MS));
  }
}
