/**
 * A capture's control plane: its etcd session and registration, the OpenAPI v2 server, the owner campaign (the
 * elected capture runs the owner) and the processor manager that runs this capture's part of each changefeed.
 * TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/capture/capture.go">cdc/capture/capture.go</a> and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/capture/election.go">cdc/capture/election.go</a>;
 * docs/changefeed-lifecycle.md#etcd-keys and docs/crash-recovery.md.
 */
package io.kcdc.gateway;
