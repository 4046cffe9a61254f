package io.kcdc.capture.runtime;

import io.kcdc.common.TableFilter;
import io.kcdc.connector.TableSelection;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import io.kcdc.gateway.owner.UpstreamClient.VerifiedTable;
import io.kcdc.gateway.owner.UpstreamClient.VerifiedTables;
import io.kcdc.tidb.schema.DBInfo;
import io.kcdc.tidb.schema.TableInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * TiCDC's {@code entry.VerifyTables} for {@code POST /api/v2/verify_table}: the upstream schema at
 * a ts (read from TiKV as the connector reads it), the tables the filter matches, split by
 * eligibility. Sequences are left out; views count as eligible, as in TiCDC.
 */
public final class UpstreamTables {
  private UpstreamTables() {}

  public static VerifiedTables verify(List<String> pdAddresses, io.kcdc.common.security.Credential security, long ts, List<String> rules,
      boolean caseSensitive) {
    try (ChannelPool channels = new ChannelPool(security);
        PdClient pd = new PdClient(pdAddresses, channels, Backoff.DEFAULT)) {
      SchemaSnapshot snapshot = new SchemaLoader(new KvClient(new RegionCache(pd), channels, Backoff.DEFAULT)).load(ts);
      return split(snapshot, TableFilter.parse(rules, caseSensitive));
    }
  }

  /** The matched tables of a snapshot, by table id; eligibility is {@link TableSelection}'s without force-replicate. */
  static VerifiedTables split(SchemaSnapshot snapshot, TableFilter filter) {
    TableSelection eligibleOnly = new TableSelection(filter, false);
    List<VerifiedTable> ineligible = new ArrayList<>();
    List<VerifiedTable> eligible = new ArrayList<>();
    List<TableInfo> tables = new ArrayList<>(snapshot.tables());
    tables.sort(Comparator.comparingLong(TableInfo::id));
    for (TableInfo t : tables) {
      DBInfo db = snapshot.databaseOf(t.id()).orElse(null);
      if (db == null || t.isSequence() || !filter.match(db.name().o(), t.name().o())) {
        continue;
      }
      VerifiedTable v = new VerifiedTable(db.name().o(), t.name().o(), t.id(), t.partitioned());
      if (t.isView() || eligibleOnly.selects(snapshot, t)) {
        eligible.add(v);
      } else {
        ineligible.add(v);
      }
    }
    return new VerifiedTables(ineligible, eligible);
  }
}
