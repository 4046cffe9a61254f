package io.kcdc.gateway.model;

import java.time.OffsetDateTime;

/**
 * An error or warning of a changefeed: {@code {"time","addr","code","message"}}. {@code time} is
 * RFC 3339 and left out when null (the v2 detail shape).
 */
public record RunningError(OffsetDateTime time, String addr, String code, String message) {
  public RunningError {
    addr = addr == null ? "" : addr;
    code = code == null ? "" : code;
    message = message == null ? "" : message;
  }

  /** The same error without its time (the v2 {@code ChangeFeedInfo.error} shape). */
  public RunningError withoutTime() {
    return new RunningError(null, addr, code, message);
  }
}
