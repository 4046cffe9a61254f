package io.kcdc.upstream.tikv;

import io.kcdc.kvproto.Cdcpb;
import java.util.ArrayList;
import java.util.List;

/**
 * How TiKV packs a region's rows into {@code Event}s and those into {@code ChangeDataEvent} messages (see
 * docs/tikv-eventfeed.md, "How rows are packed"): a new {@code Event} starts where a row would take the current one's
 * keys and values to 32 KiB ({@code CDC_EVENT_MAX_BYTES}, delegate.rs), and a message holds at most 64 events
 * ({@code CDC_EVENT_MAX_COUNT}) and 6 MiB ({@code CDC_RESP_MAX_BYTES}, channel.rs). A transaction of a million rows
 * thus reaches a client in many messages of bounded size, never in one. Pure logic.
 */
final class EventBatches {
  static final int EVENT_MAX_BYTES = 32 * 1024;
  static final int MESSAGE_MAX_EVENTS = 64;
  static final int MESSAGE_MAX_BYTES = 6 * 1024 * 1024;

  /** A region's rows for one registration, in order, and the event header (region id, request id) they go under. */
  record RegionRows(Cdcpb.Event.Builder header, List<Cdcpb.Event.Row> rows) {}

  private EventBatches() {}

  static List<Cdcpb.ChangeDataEvent> of(List<RegionRows> regions) {
    List<Cdcpb.ChangeDataEvent> out = new ArrayList<>();
    Cdcpb.ChangeDataEvent.Builder message = Cdcpb.ChangeDataEvent.newBuilder();
    int messageBytes = 0;
    for (RegionRows region : regions) {
      for (List<Cdcpb.Event.Row> rows : split(region.rows())) {
        Cdcpb.Event event = region.header().clone()
            .setEntries(Cdcpb.Event.Entries.newBuilder().addAllEntries(rows)).build();
        int size = event.getSerializedSize();
        if (message.getEventsCount() > 0
            && (message.getEventsCount() == MESSAGE_MAX_EVENTS || messageBytes + size > MESSAGE_MAX_BYTES)) {
          out.add(message.build());
          message = Cdcpb.ChangeDataEvent.newBuilder();
          messageBytes = 0;
        }
        message.addEvents(event);
        messageBytes += size;
      }
    }
    if (message.getEventsCount() > 0) {
      out.add(message.build());
    }
    return out;
  }

  /** Rows cut into events of under {@link #EVENT_MAX_BYTES} of keys and values (a larger row goes alone). */
  static List<List<Cdcpb.Event.Row>> split(List<Cdcpb.Event.Row> rows) {
    List<List<Cdcpb.Event.Row>> out = new ArrayList<>();
    List<Cdcpb.Event.Row> current = new ArrayList<>();
    int bytes = 0;
    for (Cdcpb.Event.Row row : rows) {
      int size = row.getKey().size() + row.getValue().size() + row.getOldValue().size();
      if (!current.isEmpty() && bytes + size >= EVENT_MAX_BYTES) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(row);
      bytes += size;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
