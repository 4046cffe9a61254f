/**
 * The metrics of a process (a capture, a {@code cdc streams} instance): one registry that joins Micrometer's global
 * registry, where the connector and the Streams apps report, and carries the JVM's meters (docs/metrics.md).
 */
package io.kcdc.gateway.metrics;
