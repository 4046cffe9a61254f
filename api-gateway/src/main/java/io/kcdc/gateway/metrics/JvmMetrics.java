package io.kcdc.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.List;

/**
 * The capture process's JVM metrics (memory pools, GC pauses, threads, class loading, CPU, uptime, open files) on a capture's
 * registry through Micrometer's binders (docs/metrics.md, "JVM and Kafka"). Closing stops the GC listener.
 */
public final class JvmMetrics implements AutoCloseable {
  private final JvmGcMetrics gc = new JvmGcMetrics();

  private JvmMetrics() {}

  /** Binds every JVM binder to {@code registry}. */
  public static JvmMetrics bindTo(MeterRegistry registry) {
    JvmMetrics m = new JvmMetrics();
    List<MeterBinder> binders = List.of(new JvmMemoryMetrics(), m.gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
        new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics());
    binders.forEach(b -> b.bindTo(registry));
    return m;
  }

  @Override
  public void close() {
    gc.close();
  }
}
