package io.kcdc.upstream.mysql;

import io.kcdc.upstream.sql.QueryResult;
import io.kcdc.upstream.sql.ResultColumn;
import io.kcdc.upstream.sql.SqlException;
import io.kcdc.upstream.sql.SqlSession;
import io.kcdc.upstream.sql.SqlSessionFactory;
import io.kcdc.upstream.sql.StatementSplitter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client: the v10 handshake, then commands until COM_QUIT or end of stream. */
final class ClientConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

  private static final int COM_QUIT = 0x01;
  private static final int COM_INIT_DB = 0x02;
  private static final int COM_QUERY = 0x03;
  private static final int COM_FIELD_LIST = 0x04;
  private static final int COM_STATISTICS = 0x09;
  private static final int COM_PING = 0x0e;
  private static final int COM_SET_OPTION = 0x1b;
  private static final int COM_RESET_CONNECTION = 0x1f;

  private static final int STATUS_IN_TRANS = 0x0001;
  private static final int STATUS_AUTOCOMMIT = 0x0002;
  private static final int STATUS_MORE_RESULTS = 0x0008;
  /** utf8mb4_bin, TiDB's default collation. */
  private static final int SERVER_COLLATION = 46;

  private final Socket socket;
  private final long connectionId;
  private final MySqlServerConfig config;
  private final SqlSessionFactory sessions;
  private PacketChannel channel;
  private SqlSession session;
  /** The result being written is followed by another one of the same query. */
  private boolean moreResults;

  ClientConnection(
      Socket socket, long connectionId, MySqlServerConfig config, SqlSessionFactory sessions) {
    this.socket = socket;
    this.connectionId = connectionId;
    this.config = config;
    this.sessions = sessions;
  }

  @Override
  public void run() {
    try (socket) {
      socket.setTcpNoDelay(true);
      channel =
          new PacketChannel(
              new BufferedInputStream(socket.getInputStream()),
              new BufferedOutputStream(socket.getOutputStream()));
      if (handshake()) {
        commandLoop();
      }
    } catch (IOException e) {
      LOG.debug("connection {} ended: {}", connectionId, e.toString());
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  void close() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("closing connection {}", connectionId, e);
    }
  }

  private boolean handshake() throws IOException {
    byte[] scramble = NativePassword.newScramble();
    channel.write(
        new PayloadWriter()
            .int1(10)
            .nulString(config.serverVersion())
            .int4(connectionId)
            .bytes(Arrays.copyOf(scramble, 8))
            .int1(0)
            .int2(Capabilities.SERVER & 0xFFFF)
            .int1(SERVER_COLLATION)
            .int2(STATUS_AUTOCOMMIT)
            .int2(Capabilities.SERVER >>> 16)
            .int1(scramble.length + 1)
            .zeros(10)
            .bytes(Arrays.copyOfRange(scramble, 8, 20))
            .int1(0)
            .nulString(NativePassword.PLUGIN)
            .toByteArray());
    channel.flush();

    byte[] packet = channel.read();
    if (packet == null) {
      return false;
    }
    PayloadReader r = new PayloadReader(packet);
    int clientCaps = (int) r.int4();
    if ((clientCaps & Capabilities.PROTOCOL_41) == 0) {
      writeError(new SqlException(1043, "08S01", "Bad handshake"));
      return false;
    }
    r.skip(4 + 1 + 23);
    String user = r.nulString();
    byte[] authResponse;
    if ((clientCaps & Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
      authResponse = r.bytes((int) r.lenenc());
    } else if ((clientCaps & Capabilities.SECURE_CONNECTION) != 0) {
      authResponse = r.bytes(r.int1());
    } else {
      authResponse = r.nulString().getBytes(StandardCharsets.UTF_8);
    }
    String database = "";
    if ((clientCaps & Capabilities.CONNECT_WITH_DB) != 0 && r.hasMore()) {
      database = r.nulString();
    }
    String plugin = NativePassword.PLUGIN;
    if ((clientCaps & Capabilities.PLUGIN_AUTH) != 0 && r.hasMore()) {
      plugin = r.nulString();
    }
    if (!plugin.equals(NativePassword.PLUGIN) && authResponse.length > 0) {
      // Another plugin's response cannot be checked: ask for a native password scramble.
      channel.write(
          new PayloadWriter()
              .int1(0xFE)
              .nulString(NativePassword.PLUGIN)
              .bytes(scramble)
              .int1(0)
              .toByteArray());
      channel.flush();
      authResponse = channel.read();
      if (authResponse == null) {
        return false;
      }
    }
    if (!user.equals(config.user())
        || !NativePassword.matches(config.password(), scramble, authResponse)) {
      writeError(
          new SqlException(
              1045,
              "28000",
              "Access denied for user '"
                  + user
                  + "'@'"
                  + socket.getInetAddress().getHostAddress()
                  + "' (using password: "
                  + (authResponse.length > 0 ? "YES" : "NO")
                  + ")"));
      return false;
    }
    session = sessions.open(connectionId, user);
    try {
      if (!database.isEmpty()) {
        session.useDatabase(database);
      }
    } catch (SqlException e) {
      writeError(e);
      return false;
    }
    writeOk(QueryResult.Ok.EMPTY);
    return true;
  }

  private void commandLoop() throws IOException {
    while (true) {
      channel.resetSequence();
      byte[] packet = channel.read();
      if (packet == null || packet.length == 0) {
        return;
      }
      PayloadReader r = new PayloadReader(packet);
      int command = r.int1();
      try {
        switch (command) {
          case COM_QUIT -> {
            return;
          }
          case COM_INIT_DB -> {
            session.useDatabase(r.eofString());
            writeOk(QueryResult.Ok.EMPTY);
          }
          case COM_QUERY -> query(r.eofString());
          case COM_FIELD_LIST -> writeEof();
          case COM_PING, COM_RESET_CONNECTION -> writeOk(QueryResult.Ok.EMPTY);
          case COM_SET_OPTION -> writeEof();
          case COM_STATISTICS -> channel.write(new PayloadWriter().eofString("Uptime: 1").toByteArray());
          default -> writeError(new SqlException(1047, "08S01", "Unknown command"));
        }
      } catch (SqlException e) {
        writeError(e);
      } catch (RuntimeException e) {
        LOG.warn("connection {}: command {} failed", connectionId, command, e);
        writeError(new SqlException(1105, "HY000", String.valueOf(e.getMessage())));
      }
      channel.flush();
    }
  }

  /** Runs each statement of a (multi-statement) query; the first error ends the batch. */
  private void query(String sql) throws IOException {
    LOG.debug("connection {} query: {}", connectionId, sql);
    List<String> statements = StatementSplitter.split(sql);
    if (statements.size() <= 1) {
      writeResult(session.execute(sql), false);
      return;
    }
    for (int i = 0; i < statements.size(); i++) {
      writeResult(session.execute(statements.get(i)), i < statements.size() - 1);
    }
  }

  private void writeResult(QueryResult result, boolean more) throws IOException {
    moreResults = more;
    try {
      if (result instanceof QueryResult.Ok ok) {
        writeOk(ok);
      } else if (result instanceof QueryResult.Rows rows) {
        writeRows(rows);
      }
    } finally {
      moreResults = false;
    }
  }

  private int status() {
    int status = moreResults ? STATUS_MORE_RESULTS : 0;
    if (session != null && session.inTransaction()) {
      status |= STATUS_IN_TRANS;
    }
    if (session == null || session.autocommit()) {
      status |= STATUS_AUTOCOMMIT;
    }
    return status;
  }

  private void writeOk(QueryResult.Ok ok) throws IOException {
    channel.write(
        new PayloadWriter()
            .int1(0x00)
            .lenenc(ok.affectedRows())
            .lenenc(ok.lastInsertId())
            .int2(status())
            .int2(0)
            .toByteArray());
    channel.flush();
  }

  private void writeEof() throws IOException {
    channel.write(new PayloadWriter().int1(0xFE).int2(0).int2(status()).toByteArray());
  }

  private void writeError(SqlException e) throws IOException {
    channel.write(
        new PayloadWriter()
            .int1(0xFF)
            .int2(e.code())
            .int1('#')
            .eofString(e.sqlState())
            .eofString(String.valueOf(e.getMessage()))
            .toByteArray());
    channel.flush();
  }

  private void writeRows(QueryResult.Rows rows) throws IOException {
    channel.write(new PayloadWriter().lenenc(rows.columns().size()).toByteArray());
    for (ResultColumn c : rows.columns()) {
      channel.write(
          new PayloadWriter()
              .lenencString("def")
              .lenencString(c.schema())
              .lenencString(c.table())
              .lenencString(c.table())
              .lenencString(c.name())
              .lenencString(c.name())
              .lenenc(0x0c)
              .int2(c.charset())
              .int4(c.length())
              .int1(c.mysqlType())
              .int2(c.flags())
              .int1(c.decimals())
              .int2(0)
              .toByteArray());
    }
    writeEof();
    for (List<String> row : rows.rows()) {
      PayloadWriter w = new PayloadWriter();
      for (String v : row) {
        if (v == null) {
          w.int1(0xFB);
        } else {
          w.lenencString(v);
        }
      }
      channel.write(w.toByteArray());
    }
    writeEof();
    channel.flush();
  }
}
