package io.kcdc.upstream.mysql;

/**
 * Where the MySQL protocol server listens and whom it lets in.
 *
 * @param port 0 picks a free port
 * @param serverVersion the version string of the handshake, TiDB style
 */
public record MySqlServerConfig(
    String host, int port, String user, String password, String serverVersion) {

  public static final String TIDB_VERSION = "8.0.11-TiDB-v8.5.0-embedded";

  public static MySqlServerConfig defaults() {
    return new MySqlServerConfig("127.0.0.1", 4000, "root", "", TIDB_VERSION);
  }

  public MySqlServerConfig withHost(String newHost) {
    return new MySqlServerConfig(newHost, port, user, password, serverVersion);
  }

  public MySqlServerConfig withPort(int newPort) {
    return new MySqlServerConfig(host, newPort, user, password, serverVersion);
  }
}
