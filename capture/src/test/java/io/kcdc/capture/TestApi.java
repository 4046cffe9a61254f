package io.kcdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.testkit.Http;

/** A capture's OpenAPI v2 for tests: requests that must answer 200, parsed as JSON. */
record TestApi(String base) {
  /** The API without the status check, for answers a test expects to be errors. */
  Http http() {
    return Http.to(base);
  }

  JsonNode get(String path) throws Exception {
    return ok("GET", path, http().get(path));
  }

  JsonNode post(String path, String body) throws Exception {
    return ok("POST", path, http().post(path, body));
  }

  private static JsonNode ok(String method, String path, Http.Response r) {
    assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    return r.json();
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
