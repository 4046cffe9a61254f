package io.kcdc.fidelity;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.tikv.kvproto.Cdcpb;
import org.tikv.shade.com.google.protobuf.ByteString;

/**
 * Joins the rows a CDC client hands out into committed changes, as TiCDC's matcher does: a
 * COMMIT takes its value from the PREWRITE with the same key and start ts; a COMMITTED row (from
 * the initial scan) carries its own; a ROLLBACK drops the prewrite. Keeps the last committed
 * value of each key (null for a delete).
 */
final class CommittedRows {
  private record Pending(ByteString key, long startTs) {}

  private record Committed(long commitTs, ByteString value) {}

  private final Map<Pending, Cdcpb.Event.Row> prewrites = new HashMap<>();
  private final Map<ByteString, Committed> latest = new HashMap<>();
  private int commitsWithoutPrewrite;

  synchronized void accept(Cdcpb.Event.Row row) {
    Pending p = new Pending(row.getKey(), row.getStartTs());
    switch (row.getType()) {
      case PREWRITE -> prewrites.put(p, row);
      case COMMIT -> {
        Cdcpb.Event.Row prewrite = prewrites.remove(p);
        if (prewrite == null) {
          commitsWithoutPrewrite++;
        } else {
          apply(row.getKey(), row.getCommitTs(), prewrite);
        }
      }
      case COMMITTED -> apply(row.getKey(), row.getCommitTs(), row);
      case ROLLBACK -> prewrites.remove(p);
      default -> { }
    }
  }

  private void apply(ByteString key, long commitTs, Cdcpb.Event.Row source) {
    ByteString value = source.getOpType() == Cdcpb.Event.Row.OpType.DELETE ? null : source.getValue();
    Committed prev = latest.get(key);
    if (prev == null || prev.commitTs() < commitTs) {
      latest.put(key, new Committed(commitTs, value));
    }
  }

  /** Raw key to last committed value (absent: never seen; null value: deleted). */
  synchronized Map<ByteString, ByteString> latestValues() {
    Map<ByteString, ByteString> out = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
    latest.forEach((k, c) -> out.put(k, c.value()));
    return out;
  }

  synchronized int commitsWithoutPrewrite() {
    return commitsWithoutPrewrite;
  }
}
