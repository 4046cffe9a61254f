package io.kcdc.gateway.owner;

import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.RunningError;
import java.util.List;
import java.util.Map;

/**
 * Per capture: runs the local part (Streams app instances) of the changefeeds that should run.
 */
public interface LocalProcessors {
  /**
   * Makes exactly {@code running} (changefeeds in state normal or warning) run on this capture;
   * stops the others. Called on every change and periodically; an empty list on shutdown.
   *
   * @return false when a processor could not be started yet (its topics are still being created, say): the caller
   *     tries again soon instead of at the next periodic resync
   */
  boolean reconcile(List<ChangefeedInfo> running);

  /**
   * Errors of this capture's part of a changefeed (a Streams app that stopped), by changefeed;
   * reported to the owner through TiCDC's {@code task/position} keys.
   */
  default Map<ChangefeedId, RunningError> errors() {
    return Map.of();
  }

  /**
   * This capture is being drained: after its processors were stopped, it also stops taking connector tasks (its
   * embedded Connect worker leaves the group), so its tables move to the other captures. Called once.
   */
  default void drain() {}
}
