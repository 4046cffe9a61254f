/**
 * A stand-in TiDB cluster in one process for tests and the playground: PD, TiKV stores and a MySQL-protocol TiDB
 * front over one in-memory Percolator store, speaking the real gRPC protocols, so that TiCDC's clients (ours and the
 * real ones in upstream-fidelity) cannot tell it from a cluster. It stands for
 * <a href="https://github.com/pingcap/tidb/tree/v8.5.0">TiDB</a>,
 * <a href="https://github.com/tikv/pd/tree/v8.5.0">PD</a> and
 * <a href="https://github.com/tikv/tikv/tree/v8.5.0">TiKV</a>; what it follows is written in docs/tikv-eventfeed.md,
 * docs/lock-resolving.md and docs/schema-and-ddl.md.
 */
package io.kcdc.upstream;
