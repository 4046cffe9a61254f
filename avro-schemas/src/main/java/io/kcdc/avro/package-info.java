/**
 * The records of a changefeed's internal topics, generated from the Avro schemas in {@code src/main/avro}: the rows
 * topic's {@code InternalEvent} (a table schema, row change, table resolved ts, DDL, the owner's barrier, a table
 * removal or the connector's task checkpoint), the progress topic's {@code TableProgress} and the owner's {@code
 * DdlWritten}. They replace what TiCDC passes in memory between its puller, sorter, sink manager and owner (for
 * example <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/model/kv.go">cdc/model/kv.go</a> and
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/cdc/processor/tablepb/table.proto">cdc/processor/tablepb/table.proto</a>);
 * the module's README.md says who writes and who reads each record.
 */
package io.kcdc.avro;
