/**
 * PD's gRPC service over the embedded cluster: members, the TSO stream, regions, stores and service GC safepoints
 * with PD's rules (a service may not move below the current minimum). It follows
 * <a href="https://github.com/tikv/pd/blob/v8.5.0/server/grpc_service.go">PD's server/grpc_service.go</a>;
 * docs/pd-tikv-rpc.md and docs/changefeed-lifecycle.md#gc-safe-points list what is relied on.
 */
package io.kcdc.upstream.pd;
