/**
 * The TiDB layer's SQL engine: sessions, DDL and DML statements and simple queries over the transactional store,
 * writing rows, index entries, auto ids and partitions exactly as TiDB encodes them, so that the connector mounts
 * what a real TiDB would have written. It stands for TiDB's
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/executor">pkg/executor</a> and
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/table/tables">pkg/table/tables</a>; the encodings are in
 * docs/tidb-encoding.md.
 */
package io.kcdc.upstream.sql;
