/**
 * A MySQL wire-protocol server (handshake, {@code mysql_native_password}, text protocol) in front of the SQL engine,
 * enough for the {@code mysql} client and JDBC drivers, as TiDB's
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/server">pkg/server</a> serves it. It has no part in the
 * dataflow of a changefeed: it is how tests and the playground write rows.
 */
package io.kcdc.upstream.mysql;
