package io.kcdc.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

/**
 * Makes a registry the one of its process (a capture, a {@code cdc streams} instance): it joins Micrometer's global
 * registry, where the connector and the Streams apps of the process report, and carries the JVM's metrics
 * (docs/metrics.md). Closing undoes both; the registry itself stays its owner's to close.
 */
public final class ProcessMetrics implements AutoCloseable {
  private final MeterRegistry registry;
  private final JvmMetrics jvm;

  private ProcessMetrics(MeterRegistry registry, JvmMetrics jvm) {
    this.registry = registry;
    this.jvm = jvm;
  }

  public static ProcessMetrics join(MeterRegistry registry) {
    Metrics.globalRegistry.add(registry);
    return new ProcessMetrics(registry, JvmMetrics.bindTo(registry));
  }

  @Override
  public void close() {
    Metrics.globalRegistry.remove(registry);
    jvm.close();
  }
}
