package io.kcdc.upstream.sql;

import io.kcdc.upstream.catalog.DdlExecutor;
import io.kcdc.upstream.catalog.InfoSchemaCache;
import io.kcdc.upstream.kv.TxnKv;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TiDB layer of the embedded upstream: SQL sessions over a {@link TxnKv}, with TiDB's meta
 * keys as the catalog. {@link #bootstrap()} writes the system schema before the first session.
 */
public final class SqlEngine implements SqlSessionFactory {
  private final TxnKv kv;
  private final DdlExecutor ddl;
  private final DmlExecutor dml;
  private final String serverVersion;
  /** GLOBAL system variables: new sessions start from them. */
  private final Map<String, String> globalVariables;

  public SqlEngine(TxnKv kv, String serverVersion) {
    this(kv, serverVersion, id -> {});
  }

  /** @param splitTable splits a region at a new physical table's prefix (TiDB's {@code split-table}) */
  public SqlEngine(TxnKv kv, String serverVersion, java.util.function.LongConsumer splitTable) {
    this.kv = kv;
    this.ddl = new DdlExecutor(kv, splitTable);
    this.dml = new DmlExecutor(new AutoIds(kv));
    this.serverVersion = serverVersion;
    this.globalVariables = new ConcurrentHashMap<>(SystemVariables.defaults(serverVersion));
  }

  /** Creates {@code mysql.tidb_ddl_job} and the {@code test} database if missing. */
  public SqlEngine bootstrap() {
    ddl.bootstrap();
    return this;
  }

  @Override
  public Session open(long connectionId, String user) {
    return new Session(this, connectionId);
  }

  TxnKv kv() {
    return kv;
  }

  /** The tables by name per schema version that statements resolve theirs in. */
  public InfoSchemaCache infoSchema() {
    return ddl.infoSchema();
  }

  DdlExecutor ddl() {
    return ddl;
  }

  DmlExecutor dml() {
    return dml;
  }

  String serverVersion() {
    return serverVersion;
  }

  Map<String, String> globalVariables() {
    return globalVariables;
  }
}
