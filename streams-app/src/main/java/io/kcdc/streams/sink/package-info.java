/**
 * The Kafka sink's configuration and clients, the end of the dataflow: the sink URI and {@code replica_config.sink}
 * (the API's own record, {@code io.kcdc.common.config.ReplicaConfig.SinkConfig}) validated and merged with TiCDC's
 * defaults, the clients' network, security and producer settings, topic management and partition counts, the record
 * key that carries a row's routed topic and partition to the Streams sink node, and the producer a task uses for a
 * sink on another cluster. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/sink/kafka/options.go">pkg/sink/kafka/options.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/sink/dmlsink/mq/manager/kafka_manager.go">cdc/sink/dmlsink/mq/manager/kafka_manager.go</a>
 * and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/sink/dmlsink/mq/dmlproducer/kafka_dml_producer.go">cdc/sink/dmlsink/mq/dmlproducer/kafka_dml_producer.go</a>;
 * docs/kafka-sink.md and docs/security.md.
 */
package io.kcdc.streams.sink;
