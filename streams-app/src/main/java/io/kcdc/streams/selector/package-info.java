/**
 * {@code sink.column_selectors}: the table sink projects each row onto the columns the first matching selector
 * keeps, before it is encoded. TiCDC's counterpart is
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/sink/dmlsink/mq/transformer/columnselector/column_selector.go">cdc/sink/dmlsink/mq/transformer/columnselector/column_selector.go</a>;
 * docs/api-v2.md#sink-config.
 */
package io.kcdc.streams.selector;
