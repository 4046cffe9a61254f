package io.kcdc.upstream;

import io.kcdc.common.security.Credential;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.upstream.cluster.EmbeddedCluster;
import io.kcdc.upstream.kv.TxnKv;
import io.kcdc.upstream.mysql.MySqlServer;
import io.kcdc.upstream.mysql.MySqlServerConfig;
import io.kcdc.upstream.sql.OrphanLocks;
import io.kcdc.upstream.sql.SqlEngine;
import io.kcdc.upstream.sql.SqlSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in TiDB cluster in one process: PD and TiKV ({@link EmbeddedCluster}) plus the TiDB
 * layer, a MySQL-protocol server whose SQL writes rows and schema exactly as TiDB does. Tests and
 * the playground point TiCDC at {@link #pdAddress()} and a MySQL client at {@link #jdbcUrl()}.
 */
public final class EmbeddedUpstream implements AutoCloseable {
  private final Builder config;
  private EmbeddedCluster cluster;
  private MySqlServer mysql;
  private SqlEngine engine;
  private OrphanLocks orphans;
  private final java.util.concurrent.atomic.AtomicLong inProcessSessions = new java.util.concurrent.atomic.AtomicLong(1L << 32);

  private EmbeddedUpstream(Builder config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts PD/TiKV, bootstraps the system schema, then opens the MySQL port. */
  public synchronized EmbeddedUpstream start() {
    EmbeddedCluster.Builder cb = EmbeddedCluster.builder()
        .pdPort(config.pdPort)
        .stores(config.stores)
        .resolvedTsInterval(config.resolvedTsInterval)
        .splitKeys(config.splitKeys)
        .tls(config.tls);
    if (config.adminPort >= 0) {
      cb.adminPort(config.adminPort);
    }
    cluster = cb.start();
    try {
      // TiDB's split-table (on by default): each new table starts in a region of its own.
      engine = new SqlEngine(cluster.txnKv(), MySqlServerConfig.TIDB_VERSION,
          id -> cluster.split(Codec.encodeBytes(TableCodec.tablePrefix(id)))).bootstrap();
      orphans = new OrphanLocks(engine, cluster.txnKv());
      cluster.addAdminFault("/faults/orphan-lock", OrphanLockFault.of(orphans));
      mysql = new MySqlServer(MySqlServerConfig.defaults().withHost(config.mysqlHost)
          .withPort(config.mysqlPort), engine).start();
    } catch (IOException | RuntimeException e) {
      cluster.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot open the MySQL port", io);
      }
      throw (RuntimeException) e;
    }
    return this;
  }

  /** {@code host:port} of PD, for {@code --pd}. */
  public String pdAddress() {
    return cluster.pdAddress();
  }

  /** {@code host:port} of the fault-injection HTTP endpoint, or null when it is off. */
  public String adminAddress() {
    return cluster.adminAddress();
  }

  /** {@code host:port} of the MySQL protocol server. */
  public String mysqlAddress() {
    return mysql.address();
  }

  public int mysqlPort() {
    return mysql.port();
  }

  /** A JDBC URL for MariaDB Connector/J (or MySQL Connector/J with {@code jdbc:mysql:}). */
  public String jdbcUrl() {
    return "jdbc:mariadb://" + mysqlAddress() + "/";
  }

  /**
   * A SQL session without a socket, for tests that do not want a JDBC driver: the same engine
   * the MySQL port serves. Close it to roll back an open transaction.
   */
  public SqlSession openSession() {
    return engine.open(inProcessSessions.getAndIncrement(), "root");
  }

  /** The transactional store, for tests that read keys directly. */
  public TxnKv txnKv() {
    return cluster.txnKv();
  }

  /**
   * A TiDB that dies between prewrite and commit of {@code INSERT INTO db.table (pk) VALUES
   * (handle)}: the row is left locked under a primary that is committed or not (see {@link
   * OrphanLocks#write}; the admin endpoint's {@code POST /faults/orphan-lock}).
   */
  public OrphanLocks.Orphan orphanLock(String db, String table, long handle, boolean primaryCommitted) {
    return orphans.write(db, table, handle, null, primaryCommitted);
  }

  /** {@link #orphanLock} whose primary is row {@code primaryHandle}, inserted by the same transaction. */
  public OrphanLocks.Orphan orphanLock(String db, String table, long handle, long primaryHandle,
      boolean primaryCommitted) {
    return orphans.write(db, table, handle, primaryHandle, primaryCommitted);
  }

  /** The PD/TiKV side, for fault injection (split, resolved ts). */
  public EmbeddedCluster cluster() {
    return cluster;
  }

  @Override
  public synchronized void close() {
    if (mysql != null) {
      mysql.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Runs until killed: {@code --pd-port} (default 2379), {@code --mysql-port} (default 4000),
   * {@code --host} for the MySQL server (default 127.0.0.1), {@code --stores}, {@code
   * --resolved-ts-interval-ms}; {@code --ca}, {@code --cert}, {@code --key} serve PD and TiKV over TLS
   * with client-certificate authentication.
   */
  public static void main(String[] args) throws InterruptedException {
    Builder b = builder().pdPort(2379).mysqlPort(4000);
    String ca = "";
    String cert = "";
    String key = "";
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("missing value for " + arg);
      }
      switch (arg) {
        case "--pd-port" -> b.pdPort(Integer.parseInt(value));
        case "--mysql-port" -> b.mysqlPort(Integer.parseInt(value));
        case "--host" -> b.mysqlHost(value);
        case "--stores" -> b.stores(Integer.parseInt(value));
        case "--admin-port" -> b.adminPort(Integer.parseInt(value));
        case "--resolved-ts-interval-ms" -> b.resolvedTsInterval(Duration.ofMillis(Long.parseLong(value)));
        case "--ca" -> ca = value;
        case "--cert" -> cert = value;
        case "--key" -> key = value;
        default -> throw new IllegalArgumentException("unknown flag " + arg
            + " (flags: --pd-port, --mysql-port, --host, --stores, --admin-port, --resolved-ts-interval-ms,"
            + " --ca, --cert, --key)");
      }
    }
    b.tls(new Credential(ca, cert, key, List.of()));
    EmbeddedUpstream upstream = b.build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      upstream.close();
      stopped.countDown();
    }, "embedded-upstream-shutdown"));
    System.out.println("PD " + upstream.pdAddress() + "  MySQL " + upstream.mysqlAddress());
    stopped.await();
  }

  /** Ports (0 = a free one), store count (3 by default, as a TiKV cluster), resolved-ts interval and extra region split keys. */
  public static final class Builder {
    private int pdPort;
    private int mysqlPort;
    private String mysqlHost = "127.0.0.1";
    private int stores = 3;
    private int adminPort = -1;
    private Duration resolvedTsInterval = Duration.ofSeconds(1);
    private final List<byte[]> splitKeys = new ArrayList<>();
    private Credential tls = Credential.NONE;

    /** Serve PD and TiKV over TLS with client-certificate authentication (see {@link EmbeddedCluster.Builder#tls}). */
    public Builder tls(Credential credential) {
      this.tls = credential;
      return this;
    }

    public Builder pdPort(int port) {
      this.pdPort = port;
      return this;
    }

    public Builder mysqlPort(int port) {
      this.mysqlPort = port;
      return this;
    }

    public Builder mysqlHost(String host) {
      this.mysqlHost = host;
      return this;
    }

    public Builder stores(int count) {
      this.stores = count;
      return this;
    }

    /** Port of the fault-injection HTTP endpoint (0 = a free one); off unless set. */
    public Builder adminPort(int port) {
      this.adminPort = port;
      return this;
    }

    public Builder resolvedTsInterval(Duration interval) {
      this.resolvedTsInterval = interval;
      return this;
    }

    /** Extra region boundaries (encoded keys). */
    public Builder splitKeys(List<byte[]> encodedKeys) {
      this.splitKeys.addAll(encodedKeys);
      return this;
    }

    public EmbeddedUpstream build() {
      return new EmbeddedUpstream(this);
    }

    public EmbeddedUpstream start() {
      return build().start();
    }
  }
}
