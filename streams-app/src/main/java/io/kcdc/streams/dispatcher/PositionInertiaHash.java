package io.kcdc.streams.dispatcher;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * TiCDC's {@code hash.PositionInertia}: every {@link #write} XORs {@code crc32.IEEE} of its concatenated parts into
 * the state, so the result does not depend on the order of the writes.
 */
public final class PositionInertiaHash {
  private int state;

  public PositionInertiaHash write(String... parts) {
    CRC32 crc = new CRC32();
    for (String p : parts) {
      crc.update(p.getBytes(StandardCharsets.UTF_8));
    }
    state ^= (int) crc.getValue();
    return this;
  }

  /** The 32-bit sum as an unsigned value. */
  public long sum32() {
    return Integer.toUnsignedLong(state);
  }

  /** {@code sum32 % partitionNum}, TiCDC's partition for this hash. */
  public int partition(int partitionNum) {
    return (int) (sum32() % partitionNum);
  }
}
