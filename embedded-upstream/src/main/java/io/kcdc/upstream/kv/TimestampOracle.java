package io.kcdc.upstream.kv;

import io.kcdc.common.Tso;
import java.util.function.LongSupplier;

/**
 * PD's timestamp oracle: {@code physical_ms << 18 | logical}, strictly increasing and never going
 * back, even when the wall clock does or when more logical values are asked for within one
 * millisecond than fit (then the physical part runs ahead of the clock).
 *
 * <p>With suffix bits (a PD whose TSO allocators are told apart by a suffix, see
 * docs/tikv-eventfeed.md) the logical part is {@code counter << suffixBits | suffix}: PD puts the
 * shifted value in the Tso response's {@code logical} and only reports {@code suffix_bits} beside
 * it, so a client must not shift again.
 */
public final class TimestampOracle {
  private final LongSupplier clockMillis;
  private final int suffixBits;
  private final long suffix;
  /** Counter values per millisecond. */
  private final long counterLimit;
  private long last;

  public TimestampOracle() {
    this(System::currentTimeMillis);
  }

  public TimestampOracle(LongSupplier clockMillis) {
    this(clockMillis, 0, 0);
  }

  public TimestampOracle(LongSupplier clockMillis, int suffixBits, long suffix) {
    if (suffixBits < 0 || suffixBits > 4 || suffix < 0 || suffix >= (1L << suffixBits)) {
      throw new IllegalArgumentException(
          "suffix " + suffix + " does not fit " + suffixBits + " suffix bits (PD allows 0..4)");
    }
    this.clockMillis = clockMillis;
    this.suffixBits = suffixBits;
    this.suffix = suffix;
    this.counterLimit = 1L << (Tso.LOGICAL_BITS - suffixBits);
  }

  /** How many low bits of the logical part carry the allocator's suffix (0: none). */
  public int suffixBits() {
    return suffixBits;
  }

  /** One fresh timestamp. */
  public long next() {
    return next(1);
  }

  /**
   * Allocates {@code count} consecutive timestamps and returns the largest, as PD's Tso RPC does:
   * all have the same physical part and the counters {@code largest-(count-1) .. largest}.
   */
  public synchronized long next(int count) {
    if (count < 1 || count >= counterLimit) {
      throw new IllegalArgumentException("tso count out of range: " + count);
    }
    long lastPhysical = Tso.physical(last);
    long physical = Math.max(clockMillis.getAsLong(), lastPhysical);
    long first = physical > lastPhysical ? 0 : (Tso.logical(last) >>> suffixBits) + 1;
    if (first + count > counterLimit) {
      physical++;
      first = 0;
    }
    last = Tso.compose(physical, ((first + count - 1) << suffixBits) | suffix);
    return last;
  }

  /** The last timestamp handed out (0 before the first). */
  public synchronized long last() {
    return last;
  }
}
