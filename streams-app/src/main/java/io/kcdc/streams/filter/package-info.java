/**
 * The event filters the sorter applies as a row arrives: {@code filter.ignore_txn_start_ts}, and {@code
 * filter.event_filters} rules that ignore events by type or by a SQL expression over the row, evaluated with TiDB's
 * semantics. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/filter/filter.go">pkg/filter/filter.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/filter/sql_event_filter.go">pkg/filter/sql_event_filter.go</a>
 * and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/filter/expr_filter.go">pkg/filter/expr_filter.go</a>;
 * docs/filters.md#event-filters.
 */
package io.kcdc.streams.filter;
