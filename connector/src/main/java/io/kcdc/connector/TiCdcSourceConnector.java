package io.kcdc.connector;

import io.kcdc.common.TableFilter;
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
 * The TiCDC source connector of one changefeed: reads the schema at the start ts, selects the
 * tables its filter and eligibility allow, and spreads them round-robin over the tasks
 * (TiCDC's processors).
 */
public final class TiCdcSourceConnector extends SourceConnector {
  private static final Logger LOG = LoggerFactory.getLogger(TiCdcSourceConnector.class);

  private Map<String, String> props;
  private List<Long> tableIds = List.of();

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    this.props = Map.copyOf(props);
    TiCdcSourceConfig config = new TiCdcSourceConfig(props);
    try (ChannelPool channels = new ChannelPool();
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
    if (Long.compareUnsigned(startTs, gcSafePoint) < 0) {
      throw new ConnectException("start ts " + startTs + " is older than the GC safe point " + gcSafePoint);
    }
  }

  /**
   * Tables the filter matches, without views and sequences, and (unless forced) only those with a
   * primary key or a NOT NULL unique key; sorted by id.
   */
  public static List<Long> selectTables(SchemaSnapshot snapshot, TableFilter filter, boolean forceReplicate) {
    List<Long> out = new ArrayList<>();
    for (TableInfo t : snapshot.tables()) {
      DBInfo db = snapshot.databaseOf(t.id()).orElse(null);
      if (db == null || t.view() != null || t.sequence() != null || !filter.match(db.name().o(), t.name().o())) {
        continue;
      }
      if (!forceReplicate && !ColumnFlag.eligible(t)) {
        LOG.warn("skipping table {}.{}: no primary key or NOT NULL unique key", db.name().o(), t.name().o());
        continue;
      }
      out.add(t.id());
    }
    out.sort(Long::compare);
    return out;
  }

  /** Splits {@code tableIds} round-robin over {@code min(maxTasks, #tables)} groups. */
  public static List<List<Long>> assign(List<Long> tableIds, int maxTasks) {
    int n = Math.min(maxTasks, tableIds.size());
    List<List<Long>> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
    }
    for (int i = 0; i < tableIds.size(); i++) {
      groups.get(i % n).add(tableIds.get(i));
    }
    return groups;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return TiCdcSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>();
    for (List<Long> group : assign(tableIds, maxTasks)) {
      Map<String, String> task = new HashMap<>(props);
      task.put(TiCdcSourceConfig.TABLE_IDS, TiCdcSourceConfig.join(group));
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
