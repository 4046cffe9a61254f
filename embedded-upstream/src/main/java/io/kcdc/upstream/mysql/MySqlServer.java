package io.kcdc.upstream.mysql;

import io.kcdc.upstream.sql.SqlSessionFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MySQL wire-protocol server (text protocol) in front of the SQL engine, enough for the
 * {@code mysql}/{@code mariadb} command-line clients and JDBC drivers. A thread per connection.
 */
public final class MySqlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlServer.class);

  private final MySqlServerConfig config;
  private final SqlSessionFactory sessions;
  private final AtomicLong nextConnectionId = new AtomicLong(1);
  private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "mysql-conn");
            t.setDaemon(true);
            return t;
          });
  private ServerSocket serverSocket;
  private Thread acceptor;

  public MySqlServer(MySqlServerConfig config, SqlSessionFactory sessions) {
    this.config = config;
    this.sessions = sessions;
  }

  /** Binds the port and starts accepting. */
  public synchronized MySqlServer start() throws IOException {
    serverSocket = new ServerSocket();
    serverSocket.setReuseAddress(true);
    serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()));
    acceptor = new Thread(this::acceptLoop, "mysql-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
    LOG.info("MySQL protocol server listening on {}:{}", config.host(), port());
    return this;
  }

  public int port() {
    return serverSocket.getLocalPort();
  }

  /** {@code host:port}. */
  public String address() {
    return config.host() + ":" + port();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        ClientConnection conn =
            new ClientConnection(socket, nextConnectionId.getAndIncrement(), config, sessions);
        connections.add(conn);
        workers.execute(
            () -> {
              try {
                conn.run();
              } finally {
                connections.remove(conn);
              }
            });
      } catch (IOException e) {
        if (!serverSocket.isClosed()) {
          LOG.warn("accept failed", e);
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (serverSocket == null) {
      return;
    }
    try {
      serverSocket.close();
    } catch (IOException e) {
      LOG.debug("closing server socket", e);
    }
    connections.forEach(ClientConnection::close);
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
