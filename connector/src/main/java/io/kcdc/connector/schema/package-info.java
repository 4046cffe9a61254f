/**
 * The schema the mounter needs: TiDB's meta snapshot read at a ts, then one snapshot per finished DDL job that the
 * DDL puller reads from {@code mysql.tidb_ddl_job}, looked up by commit ts. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/entry/schema_storage.go">cdc/entry/schema_storage.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/entry/schema/snapshot.go">cdc/entry/schema/snapshot.go</a>
 * and <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/puller/ddl_puller.go">cdc/puller/ddl_puller.go</a>;
 * docs/schema-and-ddl.md and docs/schema-lifecycle.md hold the facts.
 */
package io.kcdc.connector.schema;
