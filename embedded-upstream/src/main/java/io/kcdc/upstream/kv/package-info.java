/**
 * An in-memory MVCC store with Percolator's lock, write and data column families, two-phase-commit and pessimistic
 * transactions, a timestamp oracle, and a listener that sees every change as TiKV's CDC observer does (prewrite,
 * commit, rollback). It follows TiKV's
 * <a href="https://github.com/tikv/tikv/tree/v8.5.0/src/storage/txn">src/storage/txn</a> and client-go's two-phase
 * commit; docs/lock-resolving.md and docs/pd-tikv-rpc.md#tso hold the facts.
 */
package io.kcdc.upstream.kv;
