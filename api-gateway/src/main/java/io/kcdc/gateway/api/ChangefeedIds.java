package io.kcdc.gateway.api;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import java.util.regex.Pattern;

/** Changefeed id, namespace and cluster id syntax: {@code ^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$}, at most 128. */
public final class ChangefeedIds {
  private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$");
  private static final int MAX_LENGTH = 128;

  private ChangefeedIds() {}

  public static boolean isValid(String id) {
    return id != null && id.length() <= MAX_LENGTH && ID.matcher(id).matches();
  }

  /** @throws CdcException {@code invalid changefeed_id: <id>} */
  public static void requireValidChangefeedId(String id) {
    if (!isValid(id)) {
      throw CdcError.API_INVALID_PARAM.withMessage("invalid changefeed_id: %s", id);
    }
  }

  /** @throws CdcException {@code invalid namespace: <ns>} */
  public static void requireValidNamespace(String namespace) {
    if (!isValid(namespace)) {
      throw CdcError.API_INVALID_PARAM.withMessage("invalid namespace: %s", namespace);
    }
  }

  /** Capture ids are UUIDs, checked with the same rule as TiCDC does. */
  public static void requireValidCaptureId(String id) {
    if (!isValid(id)) {
      throw CdcError.API_INVALID_PARAM.withMessage("invalid capture_id: %s", id);
    }
  }
}
