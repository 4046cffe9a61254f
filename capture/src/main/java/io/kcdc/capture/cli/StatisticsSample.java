package io.kcdc.capture.cli;

/**
 * One reading of a changefeed for {@code cli changefeed statistics} and {@code query --watch}.
 *
 * @param atMillis wall clock of the reading
 * @param rows rows the changefeed's table sinks wrote so far (summed over the captures' metrics)
 * @param checkpointTs the changefeed's checkpoint TSO
 * @param resolvedTs the changefeed's resolved TSO
 * @param nowTs the upstream's current TSO
 */
public record StatisticsSample(long atMillis, long rows, long checkpointTs, long resolvedTs, long nowTs) {}
