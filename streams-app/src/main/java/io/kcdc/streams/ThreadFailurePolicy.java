package io.kcdc.streams;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What a changefeed's Streams app does when one of its threads dies. A transaction the broker aborted under the
 * thread (it stayed open past {@code transaction.timeout.ms} on a starved machine, so the commit finds it gone:
 * {@code InvalidTxnStateException}, or the epoch bumped) loses nothing: exactly-once throws away what the
 * transaction held and a new thread, whose producer fences the old one, redoes it from the committed offsets. Streams
 * handles most such cases itself as a task migration; the ones it lets through would otherwise stop the app and,
 * through the owner, restart the changefeed on every capture. Those replace the thread, at most
 * {@link #MAX_REPLACEMENTS} times a {@link #WINDOW_MS}; anything else, or one too many, stops the app and is
 * reported as the changefeed's error (docs/crash-recovery.md#aborted-transactions).
 */
final class ThreadFailurePolicy {
  static final int MAX_REPLACEMENTS = 5;
  static final long WINDOW_MS = 60_000;

  private static final Set<Class<? extends Throwable>> ABORTED_TRANSACTION = Set.of(
      InvalidTxnStateException.class, InvalidProducerEpochException.class, ProducerFencedException.class,
      InvalidPidMappingException.class, TransactionAbortedException.class);

  private final Clock clock;
  private final Deque<Long> replacements = new ArrayDeque<>();

  ThreadFailurePolicy(Clock clock) {
    this.clock = clock;
  }

  /** Whether the failure is a transaction lost under the thread, anywhere in its causes. */
  static boolean abortedTransaction(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<? extends Throwable> c : ABORTED_TRANSACTION) {
        if (c.isInstance(t)) {
          return true;
        }
      }
    }
    return false;
  }

  synchronized StreamThreadExceptionResponse onFailure(Throwable e) {
    if (!abortedTransaction(e)) {
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    long now = clock.millis();
    while (!replacements.isEmpty() && now - replacements.peekFirst() >= WINDOW_MS) {
      replacements.pollFirst();
    }
    if (replacements.size() >= MAX_REPLACEMENTS) {
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    replacements.addLast(now);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
