package io.kcdc.gateway.owner;

import io.kcdc.common.errors.CdcError;
import io.kcdc.gateway.model.ChangefeedState;
import io.kcdc.gateway.model.RunningError;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The owner's per-changefeed state machine (TiCDC's {@code feed_state_manager},
 * docs/changefeed-lifecycle.md#transitions and #backoff), pure: given what etcd says, the reported
 * error and the time, it returns the state to persist. Errors move normal/warning to pending; after
 * an exponential backoff (10 s doubling up to 10 min) the changefeed is retried as warning and
 * becomes normal once its checkpoint advances; unretryable and GC errors, or errors for longer than
 * {@code changefeed_error_stuck_duration}, fail it.
 */
public final class FeedStateMachine {
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  private FeedStateMachine() {}

  /** What the owner remembers of a changefeed between ticks (lost on owner change). */
  public record Memory(
      ChangefeedState observed,
      Instant firstErrorAt,
      Instant nextRetryAt,
      Duration backoff,
      long checkpointAtRetry,
      RunningError lastHandledError) {

    public static Memory initial() {
      return new Memory(null, null, null, Duration.ZERO, 0, null);
    }

    Memory resetBackoff() {
      return new Memory(observed, null, null, Duration.ZERO, checkpointAtRetry, lastHandledError);
    }

    Memory handled(RunningError e) {
      return new Memory(observed, firstErrorAt, nextRetryAt, backoff, checkpointAtRetry, e);
    }

    Memory observed(ChangefeedState s) {
      return new Memory(s, firstErrorAt, nextRetryAt, backoff, checkpointAtRetry, lastHandledError);
    }
  }

  /**
   * One tick's input.
   *
   * @param state, error, warning as persisted in the changefeed info
   * @param reported the error the data path or the owner reports now, if any
   * @param jitter in [-0.1, 0.1]: randomization of the backoff interval
   */
  public record Input(
      ChangefeedState state,
      RunningError error,
      RunningError warning,
      long targetTs,
      long checkpointTs,
      Optional<RunningError> reported,
      Instant now,
      Duration stuckDuration,
      double jitter) {}

  /** The state to persist and the memory to keep. */
  public record Output(
      ChangefeedState state, RunningError error, RunningError warning, Memory memory) {
    /** True if the info must be rewritten. */
    public boolean differsFrom(Input in) {
      return state != in.state()
          || !Objects.equals(error, in.error())
          || !Objects.equals(warning, in.warning());
    }
  }

  public static Output next(Memory memory, Input in) {
    ChangefeedState state = in.state() == ChangefeedState.UNINITIALIZED ? ChangefeedState.NORMAL : in.state();
    RunningError error = in.error();
    RunningError warning = in.warning();
    Memory m = memory;
    if (state == ChangefeedState.REMOVED) {
      return new Output(state, error, warning, m.observed(state));
    }
    boolean freshlyObserved = m.observed() != state;
    if (freshlyObserved && m.observed() != null && state == ChangefeedState.NORMAL) {
      m = m.resetBackoff(); // resumed through the API
    }

    Optional<RunningError> reported =
        in.reported().filter(e -> !e.equals(memory.lastHandledError()));
    if (reported.isPresent()) {
      RunningError e = reported.get();
      m = m.handled(e);
      if (CdcError.isFastFail(e.code(), e.message())) {
        return failed(e, warning, m);
      }
      switch (state) {
        case STOPPED, FAILED, FINISHED -> {
          return new Output(state, error, warning, m.observed(state));
        }
        case PENDING -> {
          return new Output(state, e, warning, m.observed(state));
        }
        default -> {
          if (CdcError.isUnretryable(e.code(), e.message())) {
            return failed(e, warning, m);
          }
          Instant first = m.firstErrorAt() == null ? in.now() : m.firstErrorAt();
          if (Duration.between(first, in.now()).compareTo(in.stuckDuration()) > 0) {
            return failed(e, warning, m);
          }
          Duration backoff = m.backoff().isZero() ? INITIAL_BACKOFF : min(m.backoff().multipliedBy(2), MAX_BACKOFF);
          Instant retryAt = in.now().plusMillis(Math.round(backoff.toMillis() * (1 + in.jitter())));
          Memory pending = new Memory(ChangefeedState.PENDING, first, retryAt, backoff,
              m.checkpointAtRetry(), e);
          return new Output(ChangefeedState.PENDING, e, warning, pending);
        }
      }
    }

    if (state == ChangefeedState.PENDING) {
      if (m.nextRetryAt() == null) {
        // A pending changefeed inherited from a previous owner: start its backoff now.
        Instant retryAt = in.now().plus(INITIAL_BACKOFF);
        Memory pending = new Memory(state, in.now(), retryAt, INITIAL_BACKOFF, m.checkpointAtRetry(), m.lastHandledError());
        return new Output(state, error, warning, pending);
      }
      if (!in.now().isBefore(m.nextRetryAt())) {
        if (Duration.between(m.firstErrorAt(), in.now()).compareTo(in.stuckDuration()) > 0) {
          return failed(error, warning, m);
        }
        Memory retrying = new Memory(ChangefeedState.WARNING, m.firstErrorAt(), null, m.backoff(),
            in.checkpointTs(), null);
        return new Output(ChangefeedState.WARNING, error, warning, retrying);
      }
      return new Output(state, error, warning, m.observed(state));
    }

    if (state.isRunning() && in.targetTs() > 0 && in.checkpointTs() >= in.targetTs()) {
      return new Output(ChangefeedState.FINISHED, null, null, m.resetBackoff().observed(ChangefeedState.FINISHED));
    }

    if (state == ChangefeedState.WARNING) {
      if (freshlyObserved) {
        Memory w = new Memory(state, m.firstErrorAt(), null, m.backoff(), in.checkpointTs(), m.lastHandledError());
        return new Output(state, error, warning, w);
      }
      if (in.checkpointTs() > m.checkpointAtRetry()) {
        Memory recovered = m.resetBackoff().observed(ChangefeedState.NORMAL);
        return new Output(ChangefeedState.NORMAL, null, null, recovered);
      }
    }
    return new Output(state, error, warning, m.observed(state));
  }

  private static Output failed(RunningError e, RunningError warning, Memory m) {
    return new Output(ChangefeedState.FAILED, e, warning, m.observed(ChangefeedState.FAILED));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
