package io.kcdc.connector.puller;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kcdc.kvproto.Cdcpb.Event.LogType;
import io.kcdc.kvproto.Cdcpb.Event.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matching with a heap budget far below the transaction: the rest waits on disk and still matches exactly. */
class MatcherTest {
  @TempDir Path dir;

  private static Row prewrite(int i, long startTs, String value, long generation) {
    return Row.newBuilder().setType(LogType.PREWRITE).setOpType(Row.OpType.PUT).setStartTs(startTs)
        .setKey(key(i)).setValue(ByteString.copyFromUtf8(value)).setOldValue(ByteString.copyFromUtf8("old-" + i))
        .setGeneration(generation).build();
  }

  private static Row commit(int i, long startTs, long commitTs) {
    return Row.newBuilder().setType(LogType.COMMIT).setOpType(Row.OpType.PUT).setStartTs(startTs).setCommitTs(commitTs)
        .setKey(key(i)).build();
  }

  private static ByteString key(int i) {
    return ByteString.copyFrom(("t\u0080r" + i).getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void prewritesBeyondTheHeapBudgetAreSpilledAndMatchedInAnyOrder() throws Exception {
    try (PrewriteSpill spill = new PrewriteSpill(4096, dir)) {
      Matcher m = new Matcher(spill);
      int rows = 5000;
      for (int i = 0; i < rows; i++) {
        m.putPrewrite(prewrite(i, 10, "value-" + i + "-" + "x".repeat(100), 0));
      }
      assertThat(spill.heapBytes()).isLessThanOrEqualTo(4096);
      assertThat(spill.spilledBytes()).isGreaterThan(400_000);
      assertThat(m.size()).isEqualTo(rows);
      try (var files = Files.list(dir)) {
        assertThat(files).hasSize(1); // the spill's own directory
      }

      // a heartbeat (no value) and a stale generation change nothing, on the heap or on disk
      m.putPrewrite(prewrite(1, 10, "", 0));
      m.putPrewrite(prewrite(rows - 1, 10, "", 0));
      m.rollback(commit(rows - 2, 10, 0));
      assertThat(m.size()).isEqualTo(rows - 1);

      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < rows - 2; i++) {
        order.add(i);
      }
      order.add(rows - 1);
      Collections.shuffle(order, new Random(7));
      for (int i : order) {
        Row matched = m.match(commit(i, 10, 20), true);
        assertThat(matched).as("row %d", i).isNotNull();
        assertThat(matched.getValue().toStringUtf8()).isEqualTo("value-" + i + "-" + "x".repeat(100));
        assertThat(matched.getOldValue().toStringUtf8()).isEqualTo("old-" + i);
        assertThat(matched.getCommitTs()).isEqualTo(20);
      }
      assertThat(m.size()).isZero();
      assertThat(spill.heapBytes()).isZero();
      assertThat(spill.spilledBytes()).isZero();
      assertThat(m.match(commit(3, 10, 20), true)).isNull();
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty(); // closed: the spill directory is gone
    }
  }

  @Test
  void aDiscardedMatcherGivesItsBudgetBackAndIgnoresLateRows() throws Exception {
    try (PrewriteSpill spill = new PrewriteSpill(2048, dir)) {
      Matcher gone = new Matcher(spill);
      for (int i = 0; i < 200; i++) {
        gone.putPrewrite(prewrite(i, 10, "v" + "x".repeat(50), 0));
      }
      assertThat(spill.spilledBytes()).isPositive();
      gone.discard();
      gone.putPrewrite(prewrite(500, 10, "late", 0));
      assertThat(spill.heapBytes()).isZero();
      assertThat(spill.spilledBytes()).isZero();

      Matcher other = new Matcher(spill); // the same keys in another region registration do not collide
      other.putPrewrite(prewrite(1, 10, "mine", 0));
      assertThat(other.match(commit(1, 10, 20), true).getValue().toStringUtf8()).isEqualTo("mine");
    }
  }

  @Test
  void aNewerGenerationReplacesASpilledPrewrite() throws Exception {
    try (PrewriteSpill spill = new PrewriteSpill(1, dir)) {
      Matcher m = new Matcher(spill);
      m.putPrewrite(prewrite(0, 10, "first-is-on-the-heap", 1));
      m.putPrewrite(prewrite(1, 10, "gen1", 1)); // spilled: the budget is used
      m.putPrewrite(prewrite(1, 10, "gen2", 2));
      m.putPrewrite(prewrite(1, 10, "gen0", 0)); // stale retry
      assertThat(m.size()).isEqualTo(2);
      assertThat(m.match(commit(1, 10, 20), true).getValue().toStringUtf8()).isEqualTo("gen2");
    }
  }
}
