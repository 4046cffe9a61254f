/**
 * The TiDB layer's schema catalog: databases and tables in TiDB's meta keys, and DDLs run the way TiDB's DDL owner
 * runs them, leaving a finished job in {@code mysql.tidb_ddl_job} and the history for TiCDC's DDL puller to find.
 * TiDB's counterparts are
 * <a href="https://github.com/pingcap/tidb/blob/v8.5.0/pkg/meta/meta.go">pkg/meta/meta.go</a> and
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/ddl">pkg/ddl</a>; docs/schema-and-ddl.md#meta-keys and
 * #ddl-jobs describe what is written.
 */
package io.kcdc.upstream.catalog;
