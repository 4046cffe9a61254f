package io.kcdc.gateway.owner;

import io.kcdc.gateway.model.ChangefeedInfo;
import java.util.Optional;

/**
 * What the owner drives for each changefeed (the data path: topics, the source connector, the
 * Streams apps). Implementations are idempotent: the owner calls them again and again with the
 * desired state, and after an owner change another capture calls them.
 */
public interface ChangefeedRuntime {
  /**
   * Validates a changefeed before it is stored (sink URI, protocol, filter rules...).
   *
   * @throws io.kcdc.common.errors.CdcException with TiCDC's code for the problem
   */
  void validate(ChangefeedInfo info);

  /**
   * Makes a normal changefeed's data path run. {@code checkpointTs} is where a data path that is
   * not running starts from; a running one is left as it is.
   */
  void ensureRunning(ChangefeedInfo info, long checkpointTs);

  /** Stops a stopped/failed/finished/pending changefeed's data path, keeping its state. */
  void ensureStopped(ChangefeedInfo info);

  /**
   * Forgets where a stopped changefeed's data path was (connector offsets, internal topics, the sorter's state), so
   * that it starts again from a new checkpoint: {@code overwrite_checkpoint_ts} on resume.
   *
   * @throws io.kcdc.common.errors.CdcException when it cannot be done; the changefeed stays stopped
   */
  default void reset(ChangefeedInfo info) {}

  /** Removes everything of a deleted changefeed (connector, offsets, internal topics). */
  void remove(String namespace, String changefeedId);

  /** Progress of a running changefeed, empty while unknown. */
  Optional<ChangefeedProgress> progress(ChangefeedInfo info);

  /** Tells the sink that everything {@code <= checkpointTs} is written (canal-json WATERMARK...). */
  void emitCheckpoint(ChangefeedInfo info, long checkpointTs);

  /**
   * This capture stopped being the owner: drop owner-only state (DDL pullers, barriers), which a
   * later term rebuilds from the changefeed checkpoints.
   */
  default void ownerStopped() {}
}
