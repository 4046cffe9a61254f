package io.kcdc.streams.sorter;

import io.kcdc.avro.InternalEvent;
import io.kcdc.avro.TableSchema;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.model.TableInfo;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The table schema versions a sorter task has read from the internal topic (TiCDC's schema storage, as far as one
 * task needs it): kept in {@link SorterProcessor#SCHEMA_STORE} by (table id, schema version), the latest version
 * looked up per table cached. Rows name the version they were written with; the connector sends a
 * {@code TableSchema} before the first row of each version.
 */
public final class TableSchemas {
  private static final AvroBinary<InternalEvent> EVENTS = new AvroBinary<>(InternalEvent.class);

  private final KeyValueStore<Bytes, byte[]> store;
  private final Map<Long, TableInfo> cache = new HashMap<>();

  TableSchemas(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  /** @param encoded the internal event carrying {@code schema}, stored as it came */
  void put(TableSchema schema, byte[] encoded) {
    store.put(key(schema.getTableId(), schema.getSchemaVersion()), encoded);
  }

  /** The table at {@code version}; fails if no such {@code TableSchema} came before its rows. */
  public TableInfo get(long tableId, long version) {
    TableInfo cached = cache.get(tableId);
    if (cached != null && cached.version() == version) {
      return cached;
    }
    byte[] bytes = store.get(key(tableId, version));
    if (bytes == null) {
      throw new IllegalStateException("no TableSchema for table " + tableId + " version " + version
          + " before its rows on the internal topic");
    }
    TableInfo info = new TableInfo((TableSchema) EVENTS.decode(bytes).getPayload());
    cache.put(tableId, info);
    return info;
  }

  /** Drops the cached version of a table whose schemas were deleted ({@link RemovedTables}). */
  void uncache(long tableId) {
    cache.remove(tableId);
  }

  /** The store key of a schema version: table id then version, so a table's versions are one range. */
  static Bytes key(long tableId, long version) {
    return Bytes.wrap(ByteBuffer.allocate(16).putLong(tableId).putLong(version).array());
  }
}
