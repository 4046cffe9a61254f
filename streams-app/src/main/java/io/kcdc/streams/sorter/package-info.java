/**
 * The sorter: buffers a changefeed's rows from the internal topic in a RocksDB store of the Streams task, ordered by
 * table, commit ts, start ts and delete-before-insert, splits updates of key columns, and releases a table's rows up
 * to the smaller of its resolved ts and the owner's DDL barrier, in bounded turns, to the table sink; its state
 * (resolved ts, checkpoint, a release under way, removed tables) survives restarts in changelogged stores. TiCDC's
 * counterpart is
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/cdc/processor/sourcemanager/sorter">cdc/processor/sourcemanager/sorter</a>
 * (its key layout in
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/processor/sourcemanager/sorter/pebble/encoding/key.go">cdc/processor/sourcemanager/sorter/pebble/encoding/key.go</a>);
 * docs/large-rows.md#large-transactions, docs/kafka-sink.md#update-splitting and
 * docs/schema-lifecycle.md#the-sorter-forgets-removed-tables.
 */
package io.kcdc.streams.sorter;
