/**
 * The connector's clients of PD and TiKV over gRPC: PD members, TSOs, regions, stores and the GC safe point; a
 * region cache; snapshot reads; the lock resolver; one channel per address with TiCDC's dial options and TLS; one
 * retry policy. TiCDC gets these from PD's and TiKV's Go clients and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/txnutil/lock_resolver.go">pkg/txnutil/lock_resolver.go</a>;
 * docs/pd-tikv-rpc.md, docs/lock-resolving.md and docs/security.md list the RPCs and options used.
 */
package io.kcdc.connector.tikv;
