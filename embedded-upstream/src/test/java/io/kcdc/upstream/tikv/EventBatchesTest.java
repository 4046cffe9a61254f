package io.kcdc.upstream.tikv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kcdc.kvproto.Cdcpb;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TiKV's packing of rows (delegate.rs, channel.rs; docs/tikv-eventfeed.md, "How rows are packed"). */
class EventBatchesTest {
  private static Cdcpb.Event.Row row(int i, int valueBytes) {
    return Cdcpb.Event.Row.newBuilder().setType(Cdcpb.Event.LogType.COMMIT).setStartTs(10).setCommitTs(20)
        .setKey(ByteString.copyFromUtf8(String.format("t\u0001_r%08d", i)))
        .setValue(ByteString.copyFrom(new byte[valueBytes])).build();
  }

  private static Cdcpb.Event.Builder header(long region, long request) {
    return Cdcpb.Event.newBuilder().setRegionId(region).setRequestId(request);
  }

  private static int kvBytes(Cdcpb.Event e) {
    return e.getEntries().getEntriesList().stream()
        .mapToInt(r -> r.getKey().size() + r.getValue().size() + r.getOldValue().size()).sum();
  }

  @Test
  void aBigCommitComesInManyBoundedMessagesWithEveryRowInOrder() {
    List<Cdcpb.Event.Row> rows = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      rows.add(row(i, 200));
    }
    List<Cdcpb.ChangeDataEvent> messages = EventBatches.of(List.of(new EventBatches.RegionRows(header(7, 1), rows)));

    assertThat(messages).hasSizeGreaterThan(10);
    List<Cdcpb.Event.Row> received = new ArrayList<>();
    for (Cdcpb.ChangeDataEvent m : messages) {
      assertThat(m.getEventsCount()).isBetween(1, EventBatches.MESSAGE_MAX_EVENTS);
      assertThat(m.getSerializedSize()).isLessThanOrEqualTo(EventBatches.MESSAGE_MAX_BYTES);
      for (Cdcpb.Event e : m.getEventsList()) {
        assertThat(e.getRegionId()).isEqualTo(7);
        assertThat(e.getRequestId()).isEqualTo(1);
        assertThat(kvBytes(e)).isLessThan(EventBatches.EVENT_MAX_BYTES);
        received.addAll(e.getEntries().getEntriesList());
      }
    }
    assertThat(received).isEqualTo(rows);
  }

  @Test
  void aRowOverTheEventLimitGoesAloneAndALargeOneInAMessageOfItsOwn() {
    List<Cdcpb.Event.Row> rows = List.of(row(0, 100), row(1, 6 * 1024 * 1024), row(2, 100));
    List<Cdcpb.ChangeDataEvent> messages = EventBatches.of(List.of(new EventBatches.RegionRows(header(7, 1), rows)));

    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).getEvents(0).getEntries().getEntriesList()).containsExactly(rows.get(1));
  }

  @Test
  void regionsKeepTheirHeadersAndTheirRowsOrder() {
    List<Cdcpb.Event.Row> a = List.of(row(0, 10), row(1, 10));
    List<Cdcpb.Event.Row> b = List.of(row(2, 10));
    List<Cdcpb.ChangeDataEvent> messages = EventBatches.of(List.of(
        new EventBatches.RegionRows(header(7, 1), a), new EventBatches.RegionRows(header(8, 2), b)));

    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).getEventsList()).extracting(Cdcpb.Event::getRegionId).containsExactly(7L, 8L);
    assertThat(messages.get(0).getEvents(0).getEntries().getEntriesList()).isEqualTo(a);
    assertThat(messages.get(0).getEvents(1).getEntries().getEntriesList()).isEqualTo(b);
  }
}
