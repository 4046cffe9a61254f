package io.kcdc.streams.codec;

import io.kcdc.avro.Ddl;
import io.kcdc.streams.model.RowEvent;
import java.util.Optional;

/**
 * Turns row changes, DDLs and checkpoints into Kafka records of one protocol (TiCDC's
 * {@code codec.RowEventEncoder}). Implementations are not thread-safe; use one per stream task.
 */
public interface RowEventEncoder {

  /** One record for one row; throws {@link EncodeException} when it exceeds {@code max-message-bytes}. */
  EncodedMessage encodeRow(RowEvent row);

  /** The record written for a finished DDL. */
  EncodedMessage encodeDdl(Ddl ddl);

  /** The checkpoint (watermark/resolved) record for {@code ts}, or empty when the protocol has none. */
  Optional<EncodedMessage> encodeCheckpoint(long ts);

  /** Whether DDL records go to every partition of the topic (true) or only to partition 0 (canal, canal-json). */
  boolean broadcastDdl();
}
