package io.kcdc.connector;

import io.kcdc.common.TableFilter;
import io.kcdc.common.Tso;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TiCDC source connector of one changefeed: checks the start ts against the GC safe point,
 * logs the tables it starts with, and runs {@code tasks.max} tasks (TiCDC's processors) that share
 * the tables by id.
 */
public final class TiCdcSourceConnector extends SourceConnector {
  private static final Logger LOG = LoggerFactory.getLogger(TiCdcSourceConnector.class);

  private Map<String, String> props = Map.of();
  private List<Long> tableIds = List.of();

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    this.props = Map.copyOf(props);
    TiCdcSourceConfig config = new TiCdcSourceConfig(props);
    try (ChannelPool channels = new ChannelPool(config.credential());
        PdClient pd = new PdClient(config.pdAddresses(), channels, Backoff.DEFAULT)) {
      checkStartTs(config.startTs(), pd.getGcSafePoint());
      KvClient kv = new KvClient(new RegionCache(pd), channels, Backoff.DEFAULT);
      SchemaSnapshot snapshot = new SchemaLoader(kv).load(config.startTs());
      tableIds = selectTables(snapshot, config.tableFilter(), config.forceReplicate());
      LOG.info("changefeed {} captures {} tables: {}", config.changefeedId(), tableIds.size(), tableIds);
    } catch (RuntimeException e) {
      throw e instanceof ConnectException c ? c
          : new ConnectException("cannot read the upstream schema at " + config.startTs() + ": " + e.getMessage(), e);
    }
  }

  /** TiCDC's {@code ErrStartTsBeforeGC}: data older than the GC safe point may already be gone. */
  static void checkStartTs(long startTs, long gcSafePoint) {
    if (Tso.before(startTs, gcSafePoint)) {
      throw new ConnectException("start ts " + startTs + " is older than the GC safe point " + gcSafePoint);
    }
  }

  /** Tables the changefeed replicates at the snapshot (see {@link TableSelection}). */
  public static List<Long> selectTables(SchemaSnapshot snapshot, TableFilter filter, boolean forceReplicate) {
    List<Long> out = new TableSelection(filter, forceReplicate).select(snapshot);
    for (TableInfo t : snapshot.tables()) {
      DBInfo db = snapshot.databaseOf(t.id()).orElse(null);
      if (!forceReplicate && db != null && filter.match(db.name().o(), t.name().o()) && t.view() == null
          && t.sequence() == null && !ColumnFlag.eligible(t)) {
        LOG.warn("skipping table {}.{}: no primary key or NOT NULL unique key", db.name().o(), t.name().o());
      }
    }
    return out;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return TiCdcSourceTask.class;
  }

  /**
   * Always {@code maxTasks} tasks: task i captures the tables whose id modulo the task count is i
   * ({@link TableSelection#taskOf}), those of the start snapshot and those created later, which
   * each task finds by replaying DDLs, so a new table never needs a reconfiguration.
   */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(props);
      task.put(TiCdcSourceConfig.TASK_INDEX, Integer.toString(i));
      task.put(TiCdcSourceConfig.TASK_COUNT, Integer.toString(maxTasks));
      out.add(task);
    }
    return out;
  }

  @Override
  public void stop() {
    tableIds = List.of();
  }

  @Override
  public ConfigDef config() {
    return TiCdcSourceConfig.CONFIG_DEF;
  }

  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }
}
