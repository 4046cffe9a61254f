/**
 * The Kafka Streams app of one changefeed, the middle of the dataflow: internal rows topic → sorter → table sink →
 * sink topics, with each table's progress on the changefeed's progress topic in the same transaction. {@link
 * io.kcdc.streams.ChangefeedStreams} builds the topology and starts the app; {@link io.kcdc.streams.ChangefeedNames}
 * names every topic, store and application id. It is the part of TiCDC's processor after the source manager
 * (<a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/processor/processor.go">cdc/processor/processor.go</a>);
 * docs/kafka-sink.md, docs/crash-recovery.md and docs/large-rows.md describe what it relies on.
 */
package io.kcdc.streams;
