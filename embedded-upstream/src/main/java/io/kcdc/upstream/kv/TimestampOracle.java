package io.kcdc.upstream.kv;

import io.kcdc.common.Tso;
import java.util.function.LongSupplier;

/**
 * PD's timestamp oracle: {@code physical_ms << 18 | logical}, strictly increasing and never going
 * back, even when the wall clock does or when more than 2^18 timestamps are asked for within one
 * millisecond (then the physical part runs ahead of the clock).
 */
public final class TimestampOracle {
  private static final long MAX_LOGICAL = 1L << Tso.LOGICAL_BITS;

  private final LongSupplier clockMillis;
  private long last;

  public TimestampOracle() {
    this(System::currentTimeMillis);
  }

  public TimestampOracle(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** One fresh timestamp. */
  public long next() {
    return next(1);
  }

  /**
   * Allocates {@code count} consecutive timestamps and returns the largest, as PD's Tso RPC does:
   * the batch is {@code largest-(count-1) .. largest}, all with the same physical part.
   */
  public synchronized long next(int count) {
    if (count < 1 || count >= MAX_LOGICAL) {
      throw new IllegalArgumentException("tso count out of range: " + count);
    }
    long physical = Math.max(clockMillis.getAsLong(), Tso.physical(last));
    long first = physical > Tso.physical(last) ? Tso.compose(physical, 0) : last + 1;
    if (Tso.logical(first) + count > MAX_LOGICAL || Tso.physical(first) != physical) {
      first = Tso.compose(physical + 1, 0);
    }
    last = first + count - 1;
    return last;
  }

  /** The last timestamp handed out (0 before the first). */
  public synchronized long last() {
    return last;
  }
}
