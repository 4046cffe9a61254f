package io.kcdc.streams.sorter;

import java.time.Duration;

/**
 * How much a sorter task releases in one turn (one {@code process()} or punctuation): a release larger than that
 * is continued in the next turns, so every Streams transaction stays small however large the transaction upstream
 * was (docs/large-rows.md#large-transactions). A Streams transaction that runs longer than {@code transaction.timeout.ms} is aborted by the broker and the
 * task fenced; an unbounded release of a million-row transaction would be aborted, replayed and aborted again.
 *
 * @param rowsPerTurn rows released at most per turn
 * @param timePerTurn time spent releasing at most per turn (checked after each chunk)
 */
public record ReleaseBudget(int rowsPerTurn, Duration timePerTurn) {
  /** 200 ms of releasing per turn; Streams commits between turns, every {@code commit.interval.ms}. */
  public static final ReleaseBudget DEFAULT = new ReleaseBudget(Integer.MAX_VALUE, Duration.ofMillis(200));

  public ReleaseBudget {
    if (rowsPerTurn < 1 || timePerTurn.isNegative() || timePerTurn.isZero()) {
      throw new IllegalArgumentException("a release budget must allow at least one row and some time");
    }
  }

  /** A turn's allowance, started now. */
  Turn start() {
    return new Turn(rowsPerTurn, System.nanoTime() + timePerTurn.toNanos());
  }

  /** What is left of one turn. */
  static final class Turn {
    private int rows;
    private final long deadlineNanos;

    private Turn(int rows, long deadlineNanos) {
      this.rows = rows;
      this.deadlineNanos = deadlineNanos;
    }

    int rowsLeft() {
      return rows;
    }

    void spent(int released) {
      rows -= released;
    }

    boolean exhausted() {
      return rows <= 0 || System.nanoTime() - deadlineNanos >= 0;
    }
  }
}
