package io.kcdc.streams.codec;

import io.kcdc.avro.Ddl;
import io.kcdc.streams.model.RowEvent;
import java.util.List;
import java.util.Optional;

/**
 * Turns row changes, DDLs and checkpoints into Kafka records of one protocol (TiCDC's
 * {@code codec.RowEventEncoder}): rows are appended for one (topic, partition) and {@link #build()} returns the
 * records made so far, in order. Batching protocols (open protocol) put several rows into one record.
 * Implementations are not thread-safe; use one per (topic, partition) of a stream task.
 */
public interface RowEventEncoder {

  /**
   * Appends one row bound for {@code topic}.
   *
   * @throws EncodeException {@code CDC:ErrMessageTooLarge} when the row exceeds {@code max-message-bytes} and
   *     large-message handling does not apply or does not help
   */
  void appendRow(String topic, RowEvent row);

  /** The records of the rows appended since the last call, in order; the encoder is empty afterwards. */
  List<EncodedMessage> build();

  /** Encodes a single row as one record (tests, non-batching callers). */
  default EncodedMessage encodeRow(RowEvent row) {
    return encodeRow("", row);
  }

  /** Encodes a single row bound for {@code topic} as one record; the encoder must hold no other rows. */
  default EncodedMessage encodeRow(String topic, RowEvent row) {
    appendRow(topic, row);
    List<EncodedMessage> out = build();
    if (out.size() != 1) {
      throw new IllegalStateException("expected one record for one row, got " + out.size());
    }
    return out.get(0);
  }

  /** The record written for a finished DDL, or empty when the protocol sends none (avro). */
  Optional<EncodedMessage> encodeDdl(Ddl ddl);

  /** The checkpoint (watermark/resolved) record for {@code ts}, or empty when the protocol has none. */
  Optional<EncodedMessage> encodeCheckpoint(long ts);

  /** Whether DDL records go to every partition of the topic (true) or only to partition 0 (canal, canal-json). */
  boolean broadcastDdl();
}
