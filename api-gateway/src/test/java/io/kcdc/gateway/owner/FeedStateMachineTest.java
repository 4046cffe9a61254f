package io.kcdc.gateway.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.gateway.model.ChangefeedState;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.gateway.owner.FeedStateMachine.Input;
import io.kcdc.gateway.owner.FeedStateMachine.Memory;
import io.kcdc.gateway.owner.FeedStateMachine.Output;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedStateMachineTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration STUCK = Duration.ofMinutes(30);
  private static final RunningError KAFKA_DOWN = new RunningError(null, "a:1", "CDC:ErrKafkaNewProducer", "down");

  private static Input in(ChangefeedState s, RunningError error, long checkpoint, RunningError reported, Instant now) {
    return new Input(s, error, null, 0, checkpoint, Optional.ofNullable(reported), now, STUCK, 0.0);
  }

  @Test
  void uninitializedBecomesNormal() {
    Output out = FeedStateMachine.next(Memory.initial(), in(ChangefeedState.UNINITIALIZED, null, 1, null, T0));
    assertThat(out.state()).isEqualTo(ChangefeedState.NORMAL);
  }

  @Test
  void retryableErrorGoesPendingThenWarningThenNormal() {
    Output pending = FeedStateMachine.next(Memory.initial(), in(ChangefeedState.NORMAL, null, 10, KAFKA_DOWN, T0));
    assertThat(pending.state()).isEqualTo(ChangefeedState.PENDING);
    assertThat(pending.error()).isEqualTo(KAFKA_DOWN);
    assertThat(pending.memory().nextRetryAt()).isEqualTo(T0.plusSeconds(10));

    Output stillPending = FeedStateMachine.next(pending.memory(),
        in(ChangefeedState.PENDING, KAFKA_DOWN, 10, KAFKA_DOWN, T0.plusSeconds(9)));
    assertThat(stillPending.state()).isEqualTo(ChangefeedState.PENDING);

    Output warning = FeedStateMachine.next(stillPending.memory(),
        in(ChangefeedState.PENDING, KAFKA_DOWN, 10, null, T0.plusSeconds(10)));
    assertThat(warning.state()).isEqualTo(ChangefeedState.WARNING);
    assertThat(warning.error()).isEqualTo(KAFKA_DOWN);

    Output noProgress = FeedStateMachine.next(warning.memory(),
        in(ChangefeedState.WARNING, KAFKA_DOWN, 10, null, T0.plusSeconds(11)));
    assertThat(noProgress.state()).isEqualTo(ChangefeedState.WARNING);

    Output normal = FeedStateMachine.next(noProgress.memory(),
        in(ChangefeedState.WARNING, KAFKA_DOWN, 11, null, T0.plusSeconds(12)));
    assertThat(normal.state()).isEqualTo(ChangefeedState.NORMAL);
    assertThat(normal.error()).isNull();
    assertThat(normal.memory().backoff()).isZero();
  }

  @Test
  void backoffDoublesUpToTenMinutes() {
    Memory m = Memory.initial();
    ChangefeedState state = ChangefeedState.NORMAL;
    Instant now = T0;
    long[] expected = {10, 20, 40, 80, 160, 320, 600, 600};
    for (long seconds : expected) {
      RunningError e = new RunningError(null, "a", "CDC:ErrKafkaNewProducer", "down at " + now);
      Output pending = FeedStateMachine.next(m, new Input(state, null, null, 0, 1, Optional.of(e), now,
          Duration.ofHours(5), 0.0));
      assertThat(pending.state()).isEqualTo(ChangefeedState.PENDING);
      assertThat(Duration.between(now, pending.memory().nextRetryAt())).isEqualTo(Duration.ofSeconds(seconds));
      now = pending.memory().nextRetryAt();
      Output retry = FeedStateMachine.next(pending.memory(), new Input(ChangefeedState.PENDING, e, null, 0, 1,
          Optional.empty(), now, Duration.ofHours(5), 0.0));
      assertThat(retry.state()).isEqualTo(ChangefeedState.WARNING);
      m = retry.memory();
      state = ChangefeedState.WARNING;
    }
  }

  @Test
  void jitterRandomizesTheInterval() {
    Output pending = FeedStateMachine.next(Memory.initial(),
        new Input(ChangefeedState.NORMAL, null, null, 0, 1, Optional.of(KAFKA_DOWN), T0, STUCK, 0.1));
    assertThat(pending.memory().nextRetryAt()).isEqualTo(T0.plusSeconds(11));
  }

  @Test
  void errorsLongerThanTheStuckDurationFail() {
    Output pending = FeedStateMachine.next(Memory.initial(), in(ChangefeedState.NORMAL, null, 1, KAFKA_DOWN, T0));
    Memory m = pending.memory();
    Output retry = FeedStateMachine.next(m, in(ChangefeedState.PENDING, KAFKA_DOWN, 1, null, T0.plus(STUCK).plusSeconds(1)));
    assertThat(retry.state()).isEqualTo(ChangefeedState.FAILED);
    assertThat(retry.error()).isEqualTo(KAFKA_DOWN);
  }

  @Test
  void unretryableAndGcErrorsFailAtOnce() {
    RunningError bad = new RunningError(null, "a", "CDC:ErrSinkURIInvalid", "bad");
    assertThat(FeedStateMachine.next(Memory.initial(), in(ChangefeedState.NORMAL, null, 1, bad, T0)).state())
        .isEqualTo(ChangefeedState.FAILED);
    RunningError gc = new RunningError(null, "a", "CDC:ErrSnapshotLostByGC", "gc");
    assertThat(FeedStateMachine.next(Memory.initial(), in(ChangefeedState.STOPPED, null, 1, gc, T0)).state())
        .isEqualTo(ChangefeedState.FAILED);
  }

  @Test
  void stoppedIgnoresRetryableErrorsAndTheSameErrorIsHandledOnce() {
    Output stopped = FeedStateMachine.next(Memory.initial(), in(ChangefeedState.STOPPED, null, 1, KAFKA_DOWN, T0));
    assertThat(stopped.state()).isEqualTo(ChangefeedState.STOPPED);
    // resumed through the API: the stale error reported again is not new
    Output resumed = FeedStateMachine.next(stopped.memory(), in(ChangefeedState.NORMAL, null, 1, KAFKA_DOWN, T0));
    assertThat(resumed.state()).isEqualTo(ChangefeedState.NORMAL);
  }

  @Test
  void finishesAtTargetTs() {
    Output out = FeedStateMachine.next(Memory.initial(),
        new Input(ChangefeedState.NORMAL, null, null, 100, 100, Optional.empty(), T0, STUCK, 0));
    assertThat(out.state()).isEqualTo(ChangefeedState.FINISHED);
    assertThat(out.state().adminJobType()).isEqualTo(4);
    Output notYet = FeedStateMachine.next(Memory.initial(),
        new Input(ChangefeedState.NORMAL, null, null, 100, 99, Optional.empty(), T0, STUCK, 0));
    assertThat(notYet.state()).isEqualTo(ChangefeedState.NORMAL);
  }

  @Test
  void pendingInheritedFromAnotherOwnerWaitsABackoff() {
    Output out = FeedStateMachine.next(Memory.initial(), in(ChangefeedState.PENDING, KAFKA_DOWN, 1, null, T0));
    assertThat(out.state()).isEqualTo(ChangefeedState.PENDING);
    assertThat(out.memory().nextRetryAt()).isEqualTo(T0.plusSeconds(10));
  }
}
