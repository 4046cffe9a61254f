package io.kcdc.connector;

import io.kcdc.avro.RowChange;
import io.kcdc.avro.TableResolved;
import io.kcdc.connector.mounter.Mounter;
import io.kcdc.connector.mounter.RowValueDecoder;
import io.kcdc.connector.mounter.TableSchemas;
import io.kcdc.connector.puller.EventQueue;
import io.kcdc.connector.puller.Puller;
import io.kcdc.connector.puller.PullerEvent;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.schema.SchemaStorage;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.RowDecoder;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor of a changefeed: pulls the change of its tables from TiKV, mounts them and writes
 * {@code InternalEvent}s to the internal topic. The source offset of a table is its last
 * emitted resolved ts; after a restart the table is pulled again from there.
 */
public final class TiCdcSourceTask extends SourceTask {
  private static final Logger LOG = LoggerFactory.getLogger(TiCdcSourceTask.class);
  static final String PARTITION_CHANGEFEED = "changefeed";
  static final String PARTITION_TABLE_ID = "table_id";
  static final String OFFSET_RESOLVED_TS = "resolved_ts";
  private static final int MAX_BATCH = 1024;
  private static final long POLL_WAIT_MS = 200;

  private TiCdcSourceConfig config;
  private ChannelPool channels;
  private PdClient pd;
  private Puller puller;
  private EventQueue queue;
  private SchemaStorage schemas;
  private Mounter mounter;
  private final Map<Long, TableProgress> tables = new LinkedHashMap<>();

  /** Progress of one table: its last emitted resolved ts and schema version. */
  private static final class TableProgress {
    final long tableId;
    final Map<String, Object> partition;
    final String schemaName;
    long resolvedTs;
    long emittedSchemaVersion = -1;

    TableProgress(long tableId, Map<String, Object> partition, String schemaName, long resolvedTs) {
      this.tableId = tableId;
      this.partition = partition;
      this.schemaName = schemaName;
      this.resolvedTs = resolvedTs;
    }

    Map<String, Object> offset() {
      return Map.of(OFFSET_RESOLVED_TS, resolvedTs);
    }
  }

  @Override
  public String version() {
    return Version.get();
  }

  /**
   * The source partition of a table. Connect stores partitions as JSON in the map's iteration
   * order and looks offsets up by those bytes, so the order must be the same in every JVM:
   * {@code Map.of} iterates in a per-JVM random order and would lose offsets across restarts.
   */
  static Map<String, Object> sourcePartition(String changefeedId, long tableId) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(PARTITION_CHANGEFEED, changefeedId);
    p.put(PARTITION_TABLE_ID, tableId);
    return Collections.unmodifiableMap(p);
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TiCdcSourceConfig(props);
    List<Long> ids = config.tableIds();
    try {
      Map<Long, Long> startTs = startTsOf(ids);
      channels = new ChannelPool();
      pd = new PdClient(config.pdAddresses(), channels, Backoff.DEFAULT);
      RegionCache regions = new RegionCache(pd);
      KvClient kv = new KvClient(regions, channels, Backoff.DEFAULT);
      long schemaTs = startTs.values().stream().mapToLong(Long::longValue).min().orElse(config.startTs());
      SchemaSnapshot snapshot = new SchemaLoader(kv).load(schemaTs);
      schemas = SchemaStorage.of(snapshot);
      mounter = new Mounter(rowDecoder());
      queue = new EventQueue(config.memoryQuotaBytes());
      puller = new Puller(regions, channels, queue, config.resolvedTsIntervalMs());
      for (long id : ids) {
        TableInfo table = snapshot.table(id)
            .orElseThrow(() -> new ConnectException("table " + id + " does not exist at ts " + schemaTs));
        String schemaName = snapshot.databaseOf(id).map(db -> db.name().o()).orElse("");
        tables.put(id, new TableProgress(id, sourcePartition(config.changefeedId(), id), schemaName, startTs.get(id)));
        puller.subscribe(id, table.physicalTableIds(), startTs.get(id));
      }
      puller.start();
      LOG.info("changefeed {} task started for tables {} from {}", config.changefeedId(), ids, startTs);
    } catch (RuntimeException e) {
      stop();
      throw e instanceof ConnectException c ? c : new ConnectException("cannot start TiCDC task: " + e.getMessage(), e);
    }
  }

  static RowValueDecoder rowDecoder() {
    return (table, key, value) -> Arrays.asList(RowDecoder.decode(table, key, value));
  }

  /** Start ts per table: the stored offset if any, else the changefeed start ts. */
  private Map<Long, Long> startTsOf(List<Long> ids) {
    List<Map<String, Object>> partitions = new ArrayList<>();
    for (long id : ids) {
      partitions.add(sourcePartition(config.changefeedId(), id));
    }
    Map<Map<String, Object>, Map<String, Object>> offsets =
        context == null || ids.isEmpty() ? Map.of() : context.offsetStorageReader().offsets(partitions);
    Map<Long, Long> out = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      Map<String, Object> offset = offsets == null ? null : offsets.get(partitions.get(i));
      Object ts = offset == null ? null : offset.get(OFFSET_RESOLVED_TS);
      out.put(ids.get(i), ts instanceof Number n ? n.longValue() : config.startTs());
    }
    return out;
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    if (puller == null) {
      Thread.sleep(POLL_WAIT_MS);
      return null;
    }
    Throwable failure = puller.failure();
    if (failure != null) {
      throw new ConnectException("changefeed " + config.changefeedId() + ": puller failed: " + failure.getMessage(), failure);
    }
    List<SourceRecord> out = new ArrayList<>();
    for (TableProgress t : tables.values()) {
      // Every task start re-announces the schemas it mounts with.
      if (t.emittedSchemaVersion < 0) {
        out.add(schemaRecord(t, schemas.versionAt(t.resolvedTs)));
      }
    }
    for (PullerEvent e : queue.drain(MAX_BATCH, out.isEmpty() ? POLL_WAIT_MS : 0)) {
      TableProgress t = tables.get(e.tableId());
      if (e instanceof PullerEvent.Resolved r) {
        t.resolvedTs = r.resolvedTs();
        out.add(record(t, TableResolved.newBuilder().setTableId(t.tableId).setResolvedTs(r.resolvedTs()).build()));
      } else if (e instanceof PullerEvent.RowEvent row) {
        long schemaTs = row.entry().commitTs() - 1;
        long version = schemas.versionAt(schemaTs);
        TableInfo table = schemas.snapshotAt(schemaTs).table(t.tableId)
            .orElseThrow(() -> new ConnectException("table " + t.tableId + " not found in the schema at " + schemaTs));
        if (version != t.emittedSchemaVersion) {
          out.add(schemaRecord(t, version));
        }
        RowChange change;
        try {
          change = mounter.mount(row.entry(), t.tableId, table, version);
        } catch (RuntimeException ex) {
          throw new ConnectException("cannot mount " + row.entry() + " of table " + t.tableId + ": " + ex.getMessage(), ex);
        }
        if (change == null) {
          LOG.warn("skipping a row change without values: {}", row.entry());
          continue;
        }
        out.add(record(t, change));
      }
    }
    return out.isEmpty() ? null : out;
  }

  private SourceRecord schemaRecord(TableProgress t, long version) {
    TableInfo table = schemas.snapshotAt(t.resolvedTs).table(t.tableId)
        .orElseThrow(() -> new ConnectException("table " + t.tableId + " not found in the schema"));
    t.emittedSchemaVersion = version;
    return record(t, TableSchemas.of(t.tableId, t.schemaName, table, version));
  }

  private SourceRecord record(TableProgress t, Object payload) {
    return new SourceRecord(t.partition, t.offset(), config.topic(),
        InternalEvents.partitionOf(t.tableId, config.topicPartitions()),
        Schema.BYTES_SCHEMA, InternalEvents.key(t.tableId), Schema.BYTES_SCHEMA, InternalEvents.serialize(payload));
  }

  @Override
  public synchronized void stop() {
    if (puller != null) {
      puller.close();
    }
    if (pd != null) {
      pd.close();
    }
    if (channels != null) {
      channels.close();
    }
  }
}
