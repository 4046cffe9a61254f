package io.kcdc.common;

import java.time.Instant;

/** PD timestamps: {@code ts = physical_ms << 18 | logical}. The one place that knows the layout. */
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
}
