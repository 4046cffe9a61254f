package io.kcdc.gateway.owner;

import io.kcdc.gateway.model.RunningError;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Progress of a running changefeed as the data path reports it.
 *
 * @param resolvedTs every table is resolved up to here (also the puller resolved ts of
 *     {@code GET .../synced})
 * @param checkpointTs every row {@code <= checkpointTs} is acknowledged by the sink
 * @param tableIdsByCapture table ids each capture replicates ({@code GET /processors})
 * @param error the current error of the data path, empty once it runs again; a new error (one
 *     not equal to the previous) moves the changefeed to pending/failed
 * @param lastSyncedTs the largest commit ts any table has written to the sink, 0 while unknown
 *     ({@code last_synced_ts} of {@code GET .../synced})
 */
public record ChangefeedProgress(
    long resolvedTs,
    long checkpointTs,
    Map<String, List<Long>> tableIdsByCapture,
    Optional<RunningError> error,
    long lastSyncedTs) {
  public ChangefeedProgress {
    tableIdsByCapture = tableIdsByCapture == null ? Map.of() : Map.copyOf(tableIdsByCapture);
    error = error == null ? Optional.empty() : error;
  }

  /** Progress without a known last synced ts. */
  public ChangefeedProgress(
      long resolvedTs, long checkpointTs, Map<String, List<Long>> tableIdsByCapture, Optional<RunningError> error) {
    this(resolvedTs, checkpointTs, tableIdsByCapture, error, 0);
  }
}
