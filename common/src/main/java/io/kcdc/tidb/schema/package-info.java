/**
 * TiDB's schema objects as TiDB stores them as JSON in its meta keys and DDL jobs: databases, tables, columns, field
 * types, indexes, partitions and finished DDL jobs with their codes. The connector reads them to mount rows and
 * replay DDLs; the embedded upstream writes them. They follow TiDB's
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0/pkg/meta/model">pkg/meta/model</a> (TiCDC uses the same Go
 * types); docs/schema-and-ddl.md#schema-json and #ddl-jobs list the fields relied on.
 */
package io.kcdc.tidb.schema;
