/**
 * The mounter: turns a committed raw key-value change into the internal topic's row change (insert, update or delete
 * with TiDB-decoded column values) using the table schema valid at its commit ts, and a TiDB table into the {@code
 * TableSchema} record the Streams app reads. TiCDC's counterpart is
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/entry/mounter.go">cdc/entry/mounter.go</a>;
 * docs/tidb-encoding.md#mounting and #inserts-updates-and-deletes describe the rules.
 */
package io.kcdc.connector.mounter;
