/**
 * The captures' metadata in etcd: TiCDC's key layout, its JSON values, compare-and-swap writes guarded by the
 * owner's election key, capture sessions with leases and the owner election. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/etcd/etcdkey.go">pkg/etcd/etcdkey.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/etcd/etcd.go">pkg/etcd/etcd.go</a> and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/capture/election.go">cdc/capture/election.go</a>;
 * docs/changefeed-lifecycle.md#etcd-keys and docs/security.md.
 */
package io.kcdc.gateway.etcd;
