/**
 * What the control plane keeps and answers about changefeeds and captures: the changefeed info and status keys,
 * states and admin jobs, the replica config's API semantics (merging onto the defaults, etcd names, pruning; the
 * model itself is {@code io.kcdc.common.config.ReplicaConfig}), and TiCDC's JSON conventions (names, escaping,
 * times). TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/model/changefeed.go">cdc/model/changefeed.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/model/capture.go">cdc/model/capture.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/config/replica_config.go">pkg/config/replica_config.go</a>
 * and <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/api/v2/model.go">cdc/api/v2/model.go</a>;
 * docs/api-v2.md#replica-config and docs/changefeed-lifecycle.md#states.
 */
package io.kcdc.gateway.model;
