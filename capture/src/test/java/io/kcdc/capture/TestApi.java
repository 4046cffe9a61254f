package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A capture's OpenAPI v2 for tests: requests that must answer 200, parsed as JSON. */
record TestApi(String base) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The upstream's current TSO through {@code POST /api/v2/tso}. */
  long tso() throws Exception {
    JsonNode t = post("/api/v2/tso", "{}");
    return (t.path("timestamp").asLong() << 18) | t.path("logic_time").asLong();
  }

  /** The changefeed's checkpoint while it is normal (fails the assertion otherwise). */
  long checkpoint(String changefeed) throws Exception {
    JsonNode cf = get("/api/v2/changefeeds/" + changefeed);
    assertThat(cf.path("state").asText()).as("changefeed %s: %s", changefeed, cf).isEqualTo("normal");
    return Long.parseUnsignedLong(cf.path("checkpoint_ts").asText());
  }
}
