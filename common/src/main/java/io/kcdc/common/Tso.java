package io.kcdc.common;

import java.time.Instant;

/**
 * PD timestamps: {@code ts = physical_ms << 18 | logical}, unsigned 64-bit (Go's {@code uint64};
 * docs/pd-tikv-rpc.md#tso). The one place that knows the layout and the order: compare timestamps
 * only through {@link #compare}, {@link #before}, {@link #after}, {@link #min} and {@link #max}.
 */
public final class Tso {
  /** Number of logical bits. */
  public static final int LOGICAL_BITS = 18;
  private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

  private Tso() {}

  public static long compose(long physicalMs, long logical) {
    return (physicalMs << LOGICAL_BITS) | (logical & LOGICAL_MASK);
  }

  /** Physical part in milliseconds since the Unix epoch (canal-json {@code es}). */
  public static long physical(long ts) {
    return ts >>> LOGICAL_BITS;
  }

  public static long logical(long ts) {
    return ts & LOGICAL_MASK;
  }

  public static Instant toInstant(long ts) {
    return Instant.ofEpochMilli(physical(ts));
  }

  /** The smallest timestamp whose physical time is {@code instant}. */
  public static long fromInstant(Instant instant) {
    return compose(instant.toEpochMilli(), 0);
  }

  /** Unsigned order, usable as a comparator ({@code Tso::compare}). */
  public static int compare(long a, long b) {
    return Long.compareUnsigned(a, b);
  }

  /** {@code a < b}. */
  public static boolean before(long a, long b) {
    return compare(a, b) < 0;
  }

  /** {@code a > b}. */
  public static boolean after(long a, long b) {
    return compare(a, b) > 0;
  }

  public static long min(long a, long b) {
    return after(a, b) ? b : a;
  }

  public static long max(long a, long b) {
    return before(a, b) ? b : a;
  }
}
