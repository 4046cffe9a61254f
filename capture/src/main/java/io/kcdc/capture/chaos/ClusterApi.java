package io.kcdc.capture.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.common.Tso;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAPI v2 of a cluster whose captures come and go: every call goes to the first capture that
 * answers, starting from the seed address and the captures it last listed.
 */
public final class ClusterApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A capture as {@code GET /api/v2/captures} lists it. */
  public record Capture(String id, String address, boolean owner) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Set<String> addresses = new LinkedHashSet<>();

  /** @param seed a capture's API address, {@code host:port} */
  public ClusterApi(String seed) {
    addresses.add(seed.replaceFirst("^https?://", ""));
  }

  /** The live captures (refreshes the addresses calls are tried on). */
  public synchronized List<Capture> captures() throws IOException {
    JsonNode body = call("GET", "/api/v2/captures", null);
    List<Capture> out = new ArrayList<>();
    for (JsonNode c : body.path("items")) {
      out.add(new Capture(c.path("id").asText(), c.path("address").asText(), c.path("is_owner").asBoolean()));
      addresses.add(c.path("address").asText());
    }
    return out;
  }

  /** The owner, if one is elected. */
  public Optional<Capture> owner() throws IOException {
    return captures().stream().filter(Capture::owner).findFirst();
  }

  /** A changefeed's checkpoint ts in the default namespace. */
  public long checkpointTs(String changefeedId) throws IOException {
    return Long.parseUnsignedLong(call("GET", "/api/v2/changefeeds/" + changefeedId, null).path("checkpoint_ts").asText());
  }

  /** A changefeed's state ({@code normal}, {@code warning}, ...). */
  public String state(String changefeedId) throws IOException {
    return call("GET", "/api/v2/changefeeds/" + changefeedId, null).path("state").asText();
  }

  /** The upstream's current TSO. */
  public long tso() throws IOException {
    JsonNode t = call("POST", "/api/v2/tso", "{}");
    return Tso.compose(t.path("timestamp").asLong(), t.path("logic_time").asLong());
  }

  /** Creates a changefeed from a v2 request body. */
  public JsonNode createChangefeed(String body) throws IOException {
    return call("POST", "/api/v2/changefeeds", body);
  }

  /**
   * One call, on the first capture that answers with a 2xx.
   *
   * @throws IOException with the last answer or error when none did
   */
  public synchronized JsonNode call(String method, String path, String body) throws IOException {
    String last = "no capture to ask";
    for (String address : List.copyOf(addresses)) {
      try {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + address + path))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        }
        last = address + " answered " + r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = address + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException(method + " " + path + " failed: " + last);
  }
}
