/**
 * Event routing: the first dispatch rule whose matcher accepts a table chooses its topic (default, static or an
 * expression) and how a row picks its partition (default, table, ts, index-value, rowid, columns). TiCDC's
 * counterpart is
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/cdc/sink/dmlsink/mq/dispatcher">cdc/sink/dmlsink/mq/dispatcher</a>;
 * docs/kafka-sink.md#event-routing holds the hash rules.
 */
package io.kcdc.streams.dispatcher;
