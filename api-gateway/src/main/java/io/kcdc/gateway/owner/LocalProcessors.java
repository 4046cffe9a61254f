package io.kcdc.gateway.owner;

import io.kcdc.gateway.model.ChangefeedInfo;
import java.util.List;

/**
 * Per capture: runs the local part (Streams app instances) of the changefeeds that should run.
 */
public interface LocalProcessors {
  /**
   * Makes exactly {@code running} (changefeeds in state normal or warning) run on this capture;
   * stops the others. Called on every change and periodically; an empty list on shutdown.
   */
  void reconcile(List<ChangefeedInfo> running);
}
