/**
 * The {@code cdc} command and one capture process: {@code cdc server} wires the control plane, an embedded Kafka
 * Connect worker (the connector's tasks) and the Streams apps together; {@code cdc playground} runs a whole cluster
 * on loopback; {@code cdc cli} speaks the OpenAPI v2. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/server/server.go">cdc/server/server.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/cmd/server/server.go">pkg/cmd/server/server.go</a> and
 * <a href="https://github.com/pingcap/tiflow/tree/v8.5.0/pkg/cmd/cli">pkg/cmd/cli</a>; docs/security.md and
 * docs/crash-recovery.md.
 */
package io.kcdc.capture;
