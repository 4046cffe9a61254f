/**
 * The values the Streams app works with once a row has left the internal topic: a table schema version and a row
 * change with its schema, TiCDC's column value text and equality, and Avro binary of the internal records. TiCDC's
 * counterparts are {@code TableInfo} and {@code RowChangedEvent} of
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/model/sink.go">cdc/model/sink.go</a>;
 * docs/tidb-encoding.md#column-values says what a value is.
 */
package io.kcdc.streams.model;
