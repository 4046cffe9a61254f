package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CapturedTablesTest {
  private final CapturedTables tables = new CapturedTables();

  @Test
  void aTableResolvesAtTheMinimumOfItsSpansAndNeverBackwards() {
    CapturedTables.Table t = tables.add(10, Map.of(), 100);
    CapturedTables.Span p0 = tables.addSpan(t, 11, 100);
    CapturedTables.Span p1 = tables.addSpan(t, 12, 100);
    assertThat(tables.resolved(p0, 150)).isEmpty();
    assertThat(tables.resolved(p1, 140)).hasValue(140);
    assertThat(tables.resolved(p1, 130)).isEmpty();
    assertThat(tables.resolved(p1, 160)).hasValue(150);
  }

  @Test
  void aRetiredSpanTakesNoLaterRowsAndIsReleasedOnceResolvedPastItsDdl() {
    CapturedTables.Table t = tables.add(10, Map.of(), 100);
    CapturedTables.Span p0 = tables.addSpan(t, 11, 100);
    CapturedTables.Span p1 = tables.addSpan(t, 12, 100);
    tables.retire(p1, 200); // e.g. DROP PARTITION at 200
    CapturedTables.Span p2 = tables.addSpan(t, 13, 200);
    assertThat(p1.accepts(200)).isTrue();
    assertThat(p1.accepts(201)).isFalse();
    assertThat(p0.accepts(201)).isTrue();

    tables.resolved(p0, 300);
    tables.resolved(p2, 300);
    assertThat(tables.resolved(p1, 199)).hasValue(199);
    assertThat(tables.takeDoneSpans()).isEmpty();
    // once p1 is past its DDL the table no longer waits for it
    assertThat(tables.resolved(p1, 250)).hasValue(300);
    assertThat(tables.takeDoneSpans()).containsExactly(p1);
    assertThat(tables.span(p1.id)).isNull();
    assertThat(tables.takeDoneTables()).isEmpty();
    assertThat(t.spans).containsExactly(p0, p2);
  }

  @Test
  void aRetiredTableResolvesUpToItsDdlAndIsThenDone() {
    for (long other = 1000; other < 1100; other++) {
      tables.addSpan(tables.add(other, Map.of(), 100), other, 100);
    }
    CapturedTables.Table t = tables.add(10, Map.of(), 100);
    CapturedTables.Span s = tables.addSpan(t, 10, 100);
    assertThat(tables.liveTableCount()).isEqualTo(101);
    tables.retire(t, 200);
    assertThat(tables.liveTableCount()).isEqualTo(100);
    assertThat(s.retiredAt).isEqualTo(200);
    assertThat(tables.resolved(s, 150)).hasValue(150);
    assertThat(t.done()).isFalse();
    // never past the DROP: the sorter releases up to it and forgets the table there
    assertThat(tables.resolved(s, 500)).hasValue(200);
    assertThat(t.done()).isTrue();
    assertThat(tables.takeDoneSpans()).containsExactly(s);
    assertThat(tables.takeDoneTables()).containsExactly(t);
    assertThat(tables.table(10)).isNull();
    assertThat(tables.spanCount()).isEqualTo(100);
    assertThat(tables.liveTableCount()).isEqualTo(100);
    assertThat(tables.takeDoneSpans()).isEmpty();
    assertThat(tables.takeDoneTables()).isEmpty();
  }

  @Test
  void aRevivedTableKeepsItsRetiredSpansUntilTheyFinish() {
    CapturedTables.Table t = tables.add(10, Map.of(), 100);
    CapturedTables.Span old = tables.addSpan(t, 10, 100);
    tables.retire(t, 200); // renamed out of the filter ...
    tables.revive(t); // ... and back in before it was done
    assertThat(tables.liveTableCount()).isEqualTo(1);
    CapturedTables.Span again = tables.addSpan(t, 10, 300);
    assertThat(t.pullsLive(10)).isTrue();
    assertThat(old.accepts(250)).isFalse();
    assertThat(again.accepts(350)).isTrue();
    assertThat(tables.resolved(old, 150)).hasValue(150);
    // the old span done at 200, the table was outside the changefeed until 300: the new span counts
    assertThat(tables.resolved(old, 200)).hasValue(300);
    assertThat(tables.resolved(again, 400)).hasValue(400);
    assertThat(tables.takeDoneSpans()).containsExactly(old);
    assertThat(tables.takeDoneTables()).isEmpty();
    assertThat(t.spans).containsExactly(again);
  }
}
