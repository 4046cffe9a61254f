/**
 * Progress records and the owner's writes to the sink: the keys of the compacted progress topic (a table's {@code
 * TableProgress}, the owner's {@code DdlWritten}), and the checkpoint messages the owner writes to every partition
 * of the sink topics. TiCDC reports table progress through
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/cdc/processor/tablepb/table.proto">cdc/processor/tablepb/table.proto</a>
 * and writes checkpoints through
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/sink/ddlsink/mq/mq_ddl_sink.go">cdc/sink/ddlsink/mq/mq_ddl_sink.go</a>;
 * docs/kafka-sink.md#what-is-written-where and docs/crash-recovery.md.
 */
package io.kcdc.streams.progress;
