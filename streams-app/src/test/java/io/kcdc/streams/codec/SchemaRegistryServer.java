package io.kcdc.streams.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two Confluent schema-registry endpoints the avro encoder uses, on a loopback port: {@code POST
 * /subjects/{subject}/versions} (same schema text, same global id; ids count up from {@code firstId}) and
 * {@code GET /schemas/ids/{id}} (404 with Confluent's error 40403 when unknown). Requests are recorded.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
  private final List<String> requests = new ArrayList<>();
  private int nextId;

  public SchemaRegistryServer(int firstId) throws IOException {
    this.nextId = firstId;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  public synchronized Map<String, List<Integer>> subjects() {
    return Map.copyOf(subjects);
  }

  private synchronized void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    requests.add(ex.getRequestMethod() + " " + path + " " + ex.getRequestHeaders().getFirst("Content-Type"));
    try (ex) {
      if (ex.getRequestMethod().equals("POST") && path.startsWith("/subjects/") && path.endsWith("/versions")) {
        String subject = URLDecoder.decode(path.substring("/subjects/".length(), path.length() - "/versions".length()),
            StandardCharsets.UTF_8);
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String schema = body.get("schema").textValue();
        int id = idsBySchema.computeIfAbsent(schema, s -> nextId++);
        schemasById.put(id, schema);
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
          versions.add(id);
        }
        reply(ex, 200, JSON.createObjectNode().put("id", id).toString());
      } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
        String schema = schemasById.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
        if (schema == null) {
          reply(ex, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        } else {
          reply(ex, 200, JSON.createObjectNode().put("schema", schema).toString());
        }
      } else {
        reply(ex, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
      }
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", ConfluentSchemaRegistry.CONTENT_TYPE);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
