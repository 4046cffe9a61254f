package io.kcdc.gateway.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * TiCDC's {@code FeedState}, with its persisted value and admin job type
 * (docs/changefeed-lifecycle.md#states, docs/changefeed-lifecycle.md#admin-jobs).
 */
public enum ChangefeedState {
  NORMAL("normal", AdminJobType.NONE),
  PENDING("pending", AdminJobType.STOP),
  FAILED("failed", AdminJobType.STOP),
  STOPPED("stopped", AdminJobType.STOP),
  FINISHED("finished", AdminJobType.FINISH),
  REMOVED("removed", AdminJobType.REMOVE),
  WARNING("warning", AdminJobType.NONE),
  /** In memory only, patched to normal on the owner's first tick. */
  UNINITIALIZED("", AdminJobType.NONE);

  private final String value;
  private final int adminJobType;

  ChangefeedState(String value, int adminJobType) {
    this.value = value;
    this.adminJobType = adminJobType;
  }

  @JsonValue
  public String value() {
    return value;
  }

  /** The {@code admin-job-type} persisted with this state. */
  public int adminJobType() {
    return adminJobType;
  }

  /** True for states whose data path runs (normal, warning). */
  public boolean isRunning() {
    return this == NORMAL || this == WARNING;
  }

  /** The state shown in lists: {@code ""} as normal, pending as warning. */
  public ChangefeedState displayed() {
    return switch (this) {
      case UNINITIALIZED -> NORMAL;
      case PENDING -> WARNING;
      default -> this;
    };
  }

  @JsonCreator
  public static ChangefeedState of(String value) {
    if (value == null) {
      return UNINITIALIZED;
    }
    for (ChangefeedState s : values()) {
      if (s.value.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown changefeed state: " + value);
  }

  /** TiCDC's {@code AdminJobType} values. */
  public static final class AdminJobType {
    public static final int NONE = 0;
    public static final int STOP = 1;
    public static final int RESUME = 2;
    public static final int REMOVE = 3;
    public static final int FINISH = 4;

    private AdminJobType() {}
  }
}
