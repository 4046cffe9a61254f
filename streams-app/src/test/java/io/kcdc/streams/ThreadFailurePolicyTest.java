package io.kcdc.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {
  /** What Streams 4.x throws when the broker aborted a timed-out transaction before the commit. */
  private static final Throwable ABORTED = new StreamsException("Error encountered trying to commit a transaction",
      new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

  private Instant now = Instant.parse("2026-12-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  @Test
  void aTransactionAbortedUnderTheThreadReplacesTheThread() {
    assertTrue(ThreadFailurePolicy.abortedTransaction(ABORTED));
    assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, new ThreadFailurePolicy(clock).onFailure(ABORTED));
  }

  @Test
  void anyOtherFailureStopsTheAppAndIsReported() {
    Throwable other = new StreamsException("boom", new SerializationException("bad record"));
    assertFalse(ThreadFailurePolicy.abortedTransaction(other));
    assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, new ThreadFailurePolicy(clock).onFailure(other));
  }

  @Test
  void replacementsAreBoundedPerWindowThenTheAppStops() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(clock);
    for (int i = 0; i < ThreadFailurePolicy.MAX_REPLACEMENTS; i++) {
      assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(ABORTED));
      now = now.plusSeconds(1);
    }
    assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, policy.onFailure(ABORTED));
    now = now.plus(Duration.ofMillis(ThreadFailurePolicy.WINDOW_MS));
    assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(ABORTED));
  }
}
