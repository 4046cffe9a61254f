/**
 * The changefeed's replica config, one model for the control plane and the data path: TiCDC's
 * {@code replica_config} in the OpenAPI v2 shape with its published defaults, and TiCDC's JSON
 * durations. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/api/v2/model.go">cdc/api/v2/model.go</a> and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/config/replica_config.go">pkg/config/replica_config.go</a>;
 * docs/api-v2.md#replica-config.
 */
package io.kcdc.common.config;
