package io.kcdc.common.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;
import java.util.stream.DoubleStream;

/**
 * Meters under TiCDC's exact Prometheus names (docs/metrics.md). The connector and the Streams app write to
 * {@link #global()}, Micrometer's global registry: a capture adds its Prometheus registry to it, a stock Connect
 * worker adds nothing and every update is then a no-op.
 *
 * <p>Why counters are gauges: Prometheus' Java client appends {@code _total} to every counter's name, while TiCDC's
 * Go client exposes names such as {@code ticdc_kvclient_pull_event_count} as they are; dashboards and alert rules
 * written for TiCDC query those names. A monotonic gauge keeps the name, and {@code rate()} works on it. Histograms
 * are distribution summaries with TiCDC's buckets, so they expose {@code _bucket}, {@code _sum} and {@code _count}.
 */
public final class TiCdcMeters {
  private static final TiCdcMeters GLOBAL = new TiCdcMeters(Metrics.globalRegistry);
  private final MeterRegistry registry;
  private final Map<String, Object> meters = new ConcurrentHashMap<>();

  public TiCdcMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The process-wide meters (Micrometer's global registry). */
  public static TiCdcMeters global() {
    return GLOBAL;
  }

  /** A counter; the same name and tags give the same counter. */
  public Counter counter(String name, String help, String... tags) {
    return (Counter) meters.computeIfAbsent(key(name, tags), k -> {
      Counter c = new Counter(new DoubleAdder());
      Gauge.builder(name, c.adder, DoubleAdder::sum).description(help).tags(tags).strongReference(true)
          .register(registry);
      return c;
    });
  }

  /** A gauge set to a value; the same name and tags give the same gauge. */
  public Value value(String name, String help, String... tags) {
    return (Value) meters.computeIfAbsent(key(name, tags), k -> {
      Value v = new Value(new java.util.concurrent.atomic.AtomicLong(Double.doubleToLongBits(0)));
      Gauge.builder(name, v, Value::get).description(help).tags(tags).strongReference(true).register(registry);
      return v;
    });
  }

  /** A gauge reading {@code value} at each scrape; kept until {@link #remove}. */
  public void gauge(String name, String help, Supplier<Number> value, String... tags) {
    meters.computeIfAbsent(key(name, tags), k -> Gauge.builder(name, value).description(help).tags(tags)
        .strongReference(true).register(registry));
  }

  /** A histogram with these upper bounds (Prometheus {@code le}). */
  public DistributionSummary histogram(String name, String help, double[] buckets, String... tags) {
    return (DistributionSummary) meters.computeIfAbsent(key(name, tags), k -> DistributionSummary.builder(name)
        .description(help).tags(tags).serviceLevelObjectives(buckets).register(registry));
  }

  /** Removes the meter of this name and tags, as TiCDC deletes a changefeed's label values when it goes. */
  public void remove(String name, String... tags) {
    if (meters.remove(key(name, tags)) != null) {
      registry.find(name).tags(tags).meters().forEach(registry::remove);
    }
  }

  private static String key(String name, String... tags) {
    return name + Tags.of(tags);
  }

  /** A monotonic count. */
  public record Counter(DoubleAdder adder) {
    public void inc() {
      adder.add(1);
    }

    public void add(double n) {
      adder.add(n);
    }

    public double get() {
      return adder.sum();
    }
  }

  /** A settable gauge value. */
  public record Value(java.util.concurrent.atomic.AtomicLong bits) {
    public void set(double v) {
      bits.set(Double.doubleToLongBits(v));
    }

    public double get() {
      return Double.longBitsToDouble(bits.get());
    }

    public void add(double delta) {
      bits.accumulateAndGet(0, (old, ignored) -> Double.doubleToLongBits(Double.longBitsToDouble(old) + delta));
    }
  }

  /** Prometheus' {@code ExponentialBuckets(start, factor, count)}. */
  public static double[] exponentialBuckets(double start, double factor, int count) {
    double[] b = new double[count];
    double v = start;
    for (int i = 0; i < count; i++) {
      b[i] = v;
      v *= factor;
    }
    return b;
  }

  /** TiCDC's {@code LagBucket()}: 0.5 s steps to 10 s, 1 s to 20 s, 30 s to 591 s, 300 s to 3600 s, then doubling. */
  public static double[] lagBuckets() {
    return concat(linear(0.5, 0.5, 20), linear(11, 1, 10), linear(21, 30, 20), linear(900, 300, 10),
        exponentialBuckets(4000, 2, 4));
  }

  private static double[] linear(double start, double width, int count) {
    double[] b = new double[count];
    for (int i = 0; i < count; i++) {
      b[i] = start + i * width;
    }
    return b;
  }

  private static double[] concat(double[]... parts) {
    return List.of(parts).stream().flatMapToDouble(DoubleStream::of).toArray();
  }
}
