package io.kcdc.streams.sorter;

import io.kcdc.common.Tso;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Forgets the sorter state of tables that left the changefeed (docs/schema-lifecycle.md): the
 * connector sends {@code TableRemoved(table, removedTs)} after the table's last resolved ts; once
 * the sorter has released the table up to {@code removedTs} (the owner's barrier passed the DDL
 * that removed it) nothing of it can come any more, and its buffered rows, schema versions and
 * progress state are deleted, as TiCDC's processor removes a table's sink and sorter data. A
 * removal that must wait for the release is kept under a 9-byte key in the progress store (table
 * states have 8). A table that joins again sends a new TableSchema first, which cancels a removal
 * still waiting.
 *
 * <p>Nothing is re-sent for a removed table: the connector's offsets are committed with its
 * records (exactly-once source), so a restarted task resumes the table at {@code removedTs}.
 */
final class RemovedTables {
  private static final byte PENDING = 'R';

  private final KeyValueStore<Bytes, byte[]> sorter;
  private final KeyValueStore<Bytes, byte[]> schemas;
  private final KeyValueStore<Bytes, byte[]> progress;

  RemovedTables(KeyValueStore<Bytes, byte[]> sorter, KeyValueStore<Bytes, byte[]> schemas,
      KeyValueStore<Bytes, byte[]> progress) {
    this.sorter = sorter;
    this.schemas = schemas;
    this.progress = progress;
  }

  /** A {@code TableRemoved}: forgets the table now if released up to {@code removedTs}; true if it did. */
  boolean onRemoved(long tableId, long removedTs, long checkpointTs) {
    if (!Tso.before(checkpointTs, removedTs)) {
      forget(tableId);
      return true;
    }
    progress.put(pendingKey(tableId), ByteBuffer.allocate(8).putLong(removedTs).array());
    return false;
  }

  /** The table's checkpoint moved: forgets it if a removal waits for this release; true if it did. */
  boolean afterRelease(long tableId, long checkpointTs) {
    byte[] pending = progress.get(pendingKey(tableId));
    if (pending == null || Tso.before(checkpointTs, ByteBuffer.wrap(pending).getLong())) {
      return false;
    }
    forget(tableId);
    return true;
  }

  /** A new schema of the table: it joined again, so a removal still waiting no longer applies. */
  void onSchema(long tableId) {
    progress.put(pendingKey(tableId), null);
  }

  private void forget(long tableId) {
    deleteRange(sorter, SorterKey.tableStart(tableId), SorterKey.tableEnd(tableId));
    deleteRange(schemas, TableSchemas.key(tableId, 0), TableSchemas.key(tableId, -1L));
    progress.put(Bytes.wrap(ByteBuffer.allocate(8).putLong(tableId).array()), null);
    progress.put(pendingKey(tableId), null);
  }

  /** Deletes {@code [from, to]} (both inclusive, as store ranges are); collected first, deleted after. */
  private static void deleteRange(KeyValueStore<Bytes, byte[]> store, Bytes from, Bytes to) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        keys.add(kv.key);
      }
    }
    keys.forEach(k -> store.put(k, null));
  }

  private static Bytes pendingKey(long tableId) {
    return Bytes.wrap(ByteBuffer.allocate(9).put(PENDING).putLong(tableId).array());
  }
}
