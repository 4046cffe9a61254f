package io.kcdc.capture.chaos;

/**
 * One row change, as the workload committed it and as a consumer finds it in the sink: every change
 * of a key carries a new {@code seq} value (a delete carries the seq of the row it removed), so
 * (table, id, seq, type) names one change.
 *
 * @param table {@code database.table}
 * @param type {@code INSERT}, {@code UPDATE} or {@code DELETE}
 */
public record RowChangeId(String table, long id, long seq, String type) {
  /** Position of this change in its key's history: seq first, a delete after the write of the same seq. */
  long order() {
    return seq * 2 + ("DELETE".equals(type) ? 1 : 0);
  }

  @Override
  public String toString() {
    return type + " " + table + " id=" + id + " seq=" + seq;
  }
}
