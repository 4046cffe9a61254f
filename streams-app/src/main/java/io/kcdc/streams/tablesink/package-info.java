/**
 * The table sink: what happens to the rows the sorter releases. It routes each row to its (topic, partition),
 * applies the column selectors, has the chunk encoded, forwards the records to the Streams sink node (or a task
 * producer for a sink on another cluster) and reports each table's progress. TiCDC's counterparts are the sink
 * manager
 * (<a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/processor/sinkmanager/table_sink_worker.go">cdc/processor/sinkmanager/table_sink_worker.go</a>)
 * and the table sinks
 * (<a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/sink/tablesink/table_sink_impl.go">cdc/sink/tablesink/table_sink_impl.go</a>)
 * in front of
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/sink/dmlsink/mq/mq_dml_sink.go">cdc/sink/dmlsink/mq/mq_dml_sink.go</a>;
 * docs/kafka-sink.md#what-is-written-where.
 */
package io.kcdc.streams.tablesink;
