package io.kcdc.connector.puller;

/** What the puller hands to the task, per logical table, in the order it must be emitted. */
public sealed interface PullerEvent {
  long tableId();

  long approximateBytes();

  /** A committed row change of {@code tableId} (the key names the physical table). */
  record RowEvent(long tableId, RawKvEntry entry) implements PullerEvent {
    @Override
    public long approximateBytes() {
      return entry.approximateBytes();
    }
  }

  /** Every change of {@code tableId} with commit ts <= {@code resolvedTs} has been delivered before. */
  record Resolved(long tableId, long resolvedTs) implements PullerEvent {
    @Override
    public long approximateBytes() {
      return 32;
    }
  }
}
