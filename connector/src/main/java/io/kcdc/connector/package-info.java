/**
 * The TiCDC source connector, the start of the dataflow: the connector picks the tables a changefeed captures and
 * spreads them over tasks; each task is one of TiCDC's processors up to the sorter, pulling its tables' changes from
 * TiKV, mounting them and writing {@code InternalEvent} records to the changefeed's internal rows topic. TiCDC's
 * counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/processor/processor.go">cdc/processor/processor.go</a>
 * and its source manager
 * (<a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/processor/sourcemanager/manager.go">cdc/processor/sourcemanager/manager.go</a>);
 * docs/filters.md#eligible-tables and docs/schema-lifecycle.md#tables-that-leave-a-running-task hold the rules, the
 * connector's README.md its settings.
 */
package io.kcdc.connector;
