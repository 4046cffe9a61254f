/**
 * The owner's pieces that drive a changefeed's data path on Kafka, starting with its DDL side: a DDL puller from the
 * checkpoint, the DDL barrier written to every partition of the rows topic so the sorters hold rows above it, the
 * replicated DDL events, and a transactional DDL sink that writes each DDL to the sink exactly once across owners.
 * TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/owner/ddl_manager.go">cdc/owner/ddl_manager.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/owner/barrier.go">cdc/owner/barrier.go</a> and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/owner/ddl_sink.go">cdc/owner/ddl_sink.go</a>;
 * docs/schema-and-ddl.md#replicated-ddls and #ddl-events, docs/crash-recovery.md#ddls-exactly-once-across-owners.
 * The owner's reconcile loop, its state machine and the GC safepoint upkeep are in {@code io.kcdc.gateway.owner}.
 */
package io.kcdc.capture.owner;
