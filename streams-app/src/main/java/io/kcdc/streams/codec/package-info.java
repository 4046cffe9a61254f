/**
 * The encoders that turn row changes, DDLs and checkpoints into Kafka records: canal-json, open protocol, avro (with
 * a Confluent-compatible schema registry), CSV, large-message handling (handle-key only or claim check),
 * compression, and Go's exact JSON and number text; one encoder per (topic, partition), run in parallel by the
 * encoder group. TiCDC's counterpart is
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/pkg/sink/codec">pkg/sink/codec</a> (with
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/sink/codec/encoder_group.go">pkg/sink/codec/encoder_group.go</a>);
 * docs/output-formats.md describes every format byte for byte.
 */
package io.kcdc.streams.codec;
