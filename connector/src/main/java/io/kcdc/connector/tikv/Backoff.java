package io.kcdc.connector.tikv;

import java.time.Duration;

/**
 * The one retry policy of the connector: exponential backoff from {@code base} by {@code factor}
 * up to {@code max} per attempt, giving up once {@code total} has elapsed.
 */
public record Backoff(Duration base, double factor, Duration max, Duration total) {

  /** PD and region-cache operations (TiCDC's {@code tikvRequestMaxBackoff} is 20 s). */
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(3), Duration.ofSeconds(20));

  /** Delay before attempt {@code attempt} (0-based; attempt 0 has no delay). */
  public long delayMillis(int attempt) {
    if (attempt <= 0) {
      return 0;
    }
    double d = base.toMillis() * Math.pow(factor, attempt - 1);
    return (long) Math.min(d, max.toMillis());
  }

  /** A retrying call that may throw. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code attempt} until it succeeds or {@link #total} elapses; the last failure is rethrown
   * wrapped in a {@link TikvException}.
   */
  public <T> T retry(String what, Attempt<T> attempt) {
    long deadline = System.nanoTime() + total.toNanos();
    Exception last = null;
    for (int i = 0; ; i++) {
      sleep(delayMillis(i));
      try {
        return attempt.run();
      } catch (TikvException.Fatal e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new TikvException(what + " failed after " + total.toSeconds() + " s: " + last.getMessage(), last);
      }
    }
  }

  static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TikvException("interrupted", e);
    }
  }
}
