package io.kcdc.upstream.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playground's admin HTTP endpoint over {@link ClusterFaults} (JSON answers, keys in hex):
 *
 * <pre>
 * GET  /regions                                     regions with epoch and leader store
 * GET  /stores                                      stores with address
 * POST /faults/split?key=HEX | ?table=ID&amp;handle=N  split at an encoded key or a row key
 * POST /faults/merge?left=ID&amp;right=ID
 * POST /faults/transfer-leader?region=ID&amp;store=ID
 * POST /faults/restart-store?store=ID
 * POST /faults/delay-events?store=ID&amp;ms=N          0 ends the delay
 * POST /faults/duplicate-events?store=ID&amp;on=BOOL
 * POST /faults/stall-resolved-ts?region=ID&amp;on=BOOL
 * POST /faults/server-is-busy?region=ID&amp;times=N
 * POST /gc?safepoint=TS                             MVCC GC, bounded by service safepoints
 * </pre>
 *
 * <p>Layers above the cluster add their faults with {@link EmbeddedCluster#addAdminFault} (the
 * TiDB layer: {@code POST /faults/orphan-lock}).
 */
final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;
  private final ExecutorService executor;
  private final EmbeddedCluster cluster;

  private AdminServer(EmbeddedCluster cluster, HttpServer server, ExecutorService executor) {
    this.cluster = cluster;
    this.server = server;
    this.executor = executor;
  }

  static AdminServer start(EmbeddedCluster cluster, String host, int port) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "embedded-cluster-admin");
      t.setDaemon(true);
      return t;
    });
    AdminServer admin = new AdminServer(cluster, http, executor);
    http.createContext("/", admin::handle);
    http.setExecutor(executor);
    http.start();
    return admin;
  }

  String address() {
    return server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      boolean post = "POST".equals(ex.getRequestMethod());
      try {
        Object body = switch (path) {
          case "/regions" -> regions(cluster.regions().all());
          case "/stores" -> cluster.stores();
          default -> post ? fault(path, q) : null;
        };
        if (body == null) {
          reply(ex, 404, Map.of("error", "no such endpoint: " + ex.getRequestMethod() + " " + path));
        } else {
          reply(ex, 200, body);
        }
      } catch (IllegalArgumentException e) {
        reply(ex, 400, Map.of("error", String.valueOf(e.getMessage())));
      } catch (RuntimeException e) {
        LOG.warn("admin request {} failed", path, e);
        reply(ex, 500, Map.of("error", String.valueOf(e.getMessage())));
      }
    }
  }

  private Object fault(String path, Map<String, String> q) {
    ClusterFaults f = cluster.faults();
    return switch (path) {
      case "/faults/split" -> regions(f.splitRegion(splitKey(q)));
      case "/faults/merge" -> regions(List.of(f.mergeRegions(num(q, "left"), num(q, "right"))));
      case "/faults/transfer-leader" -> regions(List.of(f.transferLeader(num(q, "region"), num(q, "store"))));
      case "/faults/restart-store" -> {
        f.restartStore(num(q, "store"));
        yield cluster.stores();
      }
      case "/faults/delay-events" -> {
        f.delayEvents(num(q, "store"), Duration.ofMillis(num(q, "ms")));
        yield Map.of("ok", true);
      }
      case "/faults/duplicate-events" -> {
        f.duplicateEvents(num(q, "store"), bool(q, "on"));
        yield Map.of("ok", true);
      }
      case "/faults/stall-resolved-ts" -> {
        f.stallResolvedTs(num(q, "region"), bool(q, "on"));
        yield Map.of("ok", true);
      }
      case "/faults/server-is-busy" -> {
        f.serverIsBusy(num(q, "region"), (int) num(q, "times"));
        yield Map.of("ok", true);
      }
      case "/gc" -> Map.of("safe_point", cluster.gc(num(q, "safepoint")));
      default -> {
        var added = cluster.adminFault(path);
        yield added == null ? null : added.apply(q);
      }
    };
  }

  private static byte[] splitKey(Map<String, String> q) {
    if (q.containsKey("key")) {
      return HEX.parseHex(q.get("key"));
    }
    return Codec.encodeBytes(TableCodec.recordKey(num(q, "table"), num(q, "handle")));
  }

  private static List<Map<String, Object>> regions(List<Region> regions) {
    return regions.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("start_key", HEX.formatHex(r.span().start()));
      m.put("end_key", HEX.formatHex(r.span().end()));
      m.put("conf_ver", r.confVer());
      m.put("version", r.version());
      m.put("leader_store_id", r.leader().storeId());
      m.put("peer_store_ids", r.peers().stream().map(Peer::storeId).toList());
      return m;
    }).toList();
  }

  private static long num(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter " + name + " is not a number: " + v);
    }
  }

  private static boolean bool(Map<String, String> q, String name) {
    return Boolean.parseBoolean(q.getOrDefault(name, "true"));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void reply(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
