package io.kcdc.capture.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The few Kafka Connect REST calls the owner makes; any worker forwards to the leader, so when a
 * worker cannot be reached the call goes to the next of the given ones. Reads are
 * answered from what was read less than {@link #READ_TTL} ago, and any write forgets them: the
 * owner asks for every connector's config, status and tasks on each 200 ms tick, and serving those
 * requests was a tenth of a busy capture's CPU.
 */
public final class ConnectRestClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration READ_TTL = Duration.ofSeconds(1);
  static final Duration REBALANCE_WAIT = Duration.ofSeconds(15);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<URI> bases;
  /** The worker that answered last; calls start there. */
  private volatile int current;
  private final Map<String, Read> reads = new ConcurrentHashMap<>();

  private record Read(long atNanos, Optional<JsonNode> body) {}

  public ConnectRestClient(URI base) {
    this(List.of(base));
  }

  /** @param bases REST base URLs of one Connect cluster's workers ({@code http://host:8083/}) */
  public ConnectRestClient(List<URI> bases) {
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("no Connect REST URL");
    }
    this.bases = bases.stream().map(ConnectRestClient::asBase).toList();
  }

  /** A URL with a trailing slash, so relative paths resolve below it. */
  static URI asBase(URI url) {
    String s = url.toString();
    return s.endsWith("/") ? url : URI.create(s + "/");
  }

  /** Creates or replaces a connector's config (idempotent). */
  public void putConfig(String connector, Map<String, String> config) {
    send("PUT", "connectors/" + connector + "/config", JSON.valueToTree(config), 200, 201);
  }

  public Optional<JsonNode> config(String connector) {
    return get("connectors/" + connector + "/config");
  }

  /** Connector and task states, as Connect reports them. */
  public Optional<JsonNode> status(String connector) {
    return get("connectors/" + connector + "/status");
  }

  /** Task configs (each carries the table ids the task replicates). */
  public Optional<JsonNode> tasks(String connector) {
    return get("connectors/" + connector + "/tasks");
  }

  /**
   * What a read answers now, without waiting out a rebalance: during one, the last answer read (however old), or
   * {@link Known#UNKNOWN} when there is none. For the owner's progress reads, which must not hold up its tick (the
   * DDLs it writes, the checkpoint) while Connect reassigns tasks after a crash.
   */
  public Known statusNow(String connector) {
    return now("connectors/" + connector + "/status");
  }

  /** {@link #tasks} without waiting out a rebalance, as {@link #statusNow}. */
  public Known tasksNow(String connector) {
    return now("connectors/" + connector + "/tasks");
  }

  /** A read's answer: known (empty when the worker said 404) or unknown while Connect rebalances. */
  public record Known(boolean known, Optional<JsonNode> body) {
    public static final Known UNKNOWN = new Known(false, Optional.empty());
  }

  public void pause(String connector) {
    send("PUT", "connectors/" + connector + "/pause", null, 202);
  }

  public void resume(String connector) {
    send("PUT", "connectors/" + connector + "/resume", null, 202);
  }

  /** Stops the tasks but keeps the config (KIP-875), so offsets can be changed. */
  public void stop(String connector) {
    send("PUT", "connectors/" + connector + "/stop", null, 202, 204);
  }

  /**
   * Deletes a connector's source offsets (Kafka 3.6+); Connect accepts this only once the
   * connector is STOPPED, which takes a moment after {@link #stop}.
   */
  public void deleteOffsets(String connector) {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> r = call("DELETE", "connectors/" + connector + "/offsets", null);
      if (r.statusCode() == 200 || r.statusCode() == 404) {
        return;
      }
      if (attempt >= 50) {
        expect(r, "DELETE", "connectors/" + connector + "/offsets", 200);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectRestException("interrupted while deleting offsets of " + connector);
      }
    }
  }

  public void delete(String connector) {
    send("DELETE", "connectors/" + connector, null, 204, 404);
  }

  /** Restarts failed connector instances and tasks. */
  public void restartFailed(String connector) {
    send("POST", "connectors/" + connector + "/restart?includeTasks=true&onlyFailed=true", null, 200, 202, 204);
  }

  private Optional<JsonNode> get(String path) {
    return read(path, true).body();
  }

  private Known now(String path) {
    return read(path, false);
  }

  /**
   * A read answered from what was read less than {@link #READ_TTL} ago, else asked of Connect; during a rebalance
   * it is asked again until {@link #REBALANCE_WAIT} is over, or, when {@code waitOutRebalance} is false, answered
   * at once with the last answer read (or {@link Known#UNKNOWN}).
   */
  private Known read(String path, boolean waitOutRebalance) {
    Read cached = reads.get(path);
    long now = System.nanoTime();
    if (cached != null && now - cached.atNanos() < READ_TTL.toNanos()) {
      return new Known(true, cached.body());
    }
    HttpResponse<String> r = waitOutRebalance ? call("GET", path, null) : callOnce("GET", path, null);
    if (!waitOutRebalance && rebalancing(r)) {
      return cached == null ? Known.UNKNOWN : new Known(true, cached.body());
    }
    Optional<JsonNode> body = answer(r, path);
    reads.put(path, new Read(now, body));
    return new Known(true, body);
  }

  private static Optional<JsonNode> answer(HttpResponse<String> r, String path) {
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    expect(r, "GET", path, 200);
    try {
      return Optional.of(JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new ConnectRestException("GET " + path + ": bad JSON: " + e.getMessage());
    }
  }

  private void send(String method, String path, JsonNode body, int... ok) {
    expect(call(method, path, body), method, path, ok);
  }

  /**
   * One call, repeated for up to {@link #REBALANCE_WAIT} while the worker answers that a rebalance is under way
   * (409, or 500 "a rebalance is expected" right after a connector stopped or a worker left): the owner's actions,
   * a reset among them, should not fail on a moment Connect needs to reassign its tasks.
   */
  private HttpResponse<String> call(String method, String path, JsonNode body) {
    long deadline = System.nanoTime() + REBALANCE_WAIT.toNanos();
    while (true) {
      HttpResponse<String> r = callOnce(method, path, body);
      if (!rebalancing(r) || System.nanoTime() - deadline > 0) {
        return r;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r;
      }
    }
  }

  /** 409, or 500 "a rebalance is expected" right after a connector stopped or a worker left. */
  private static boolean rebalancing(HttpResponse<String> r) {
    return r.statusCode() == 409 || (r.statusCode() == 500 && r.body() != null && r.body().contains("rebalance"));
  }

  private HttpResponse<String> callOnce(String method, String path, JsonNode body) {
    if (!method.equals("GET")) {
      reads.clear(); // a write: what was read before may be stale now
    }
    IOException last = null;
    // Every call is idempotent (PUT config/pause/resume/stop, DELETE, restart), so one that may have
    // reached a worker that then failed can be sent again to the next.
    for (int tried = 0; tried < bases.size(); tried++) {
      int at = current;
      URI base = bases.get(at);
      try {
        HttpResponse<String> r = http.send(request(base.resolve(path), method, body), HttpResponse.BodyHandlers.ofString());
        if (!method.equals("GET")) {
          reads.clear(); // and what was read while it ran
        }
        return r;
      } catch (IOException e) {
        last = e;
        current = (at + 1) % bases.size();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectRestException(method + " " + path + ": interrupted");
      }
    }
    throw new ConnectRestException(method + " " + path + ": no Connect worker answered " + bases + ": " + last);
  }

  private static HttpRequest request(URI uri, String method, JsonNode body) {
    HttpRequest.BodyPublisher publisher =
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString());
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .method(method, publisher)
        .build();
  }

  private static void expect(HttpResponse<String> r, String method, String path, int... ok) {
    for (int code : ok) {
      if (r.statusCode() == code) {
        return;
      }
    }
    throw new ConnectRestException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
  }

  /** A Connect REST call failed; the owner retries on its next tick. */
  public static final class ConnectRestException extends RuntimeException {
    public ConnectRestException(String message) {
      super(message);
    }
  }
}
