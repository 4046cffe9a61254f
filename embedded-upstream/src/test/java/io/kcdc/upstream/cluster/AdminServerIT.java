package io.kcdc.upstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private EmbeddedCluster cluster;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().adminPort(0).resolvedTsInterval(Duration.ofMillis(200)).start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private HttpResponse<String> call(String method, String pathAndQuery) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + cluster.adminAddress() + pathAndQuery))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listsRegionsAndInjectsFaults() throws Exception {
    JsonNode regions = json.readTree(call("GET", "/regions").body());
    assertThat(regions).hasSize(2);
    assertThat(regions.get(1).get("start_key").asText())
        .isEqualTo(HexFormat.of().formatHex(EmbeddedCluster.TABLE_DATA_SPLIT_KEY));

    HttpResponse<String> split = call("POST", "/faults/split?table=100&handle=50");
    assertThat(split.statusCode()).isEqualTo(200);
    byte[] key = Codec.encodeBytes(TableCodec.recordKey(100, 50));
    Region right = cluster.regions().regionOf(key);
    assertThat(json.readTree(split.body()).get(1).get("id").asLong()).isEqualTo(right.id());
    assertThat(json.readTree(call("GET", "/regions").body())).hasSize(3);

    long target = right.leader().storeId() % 3 + 1;
    HttpResponse<String> moved = call("POST", "/faults/transfer-leader?region=" + right.id() + "&store=" + target);
    assertThat(json.readTree(moved.body()).get(0).get("leader_store_id").asLong()).isEqualTo(target);
    assertThat(cluster.regions().byId(right.id()).leader().storeId()).isEqualTo(target);

    Region left = cluster.regions().regionOf(Codec.encodeBytes(TableCodec.recordKey(100, 1)));
    assertThat(call("POST", "/faults/merge?left=" + left.id() + "&right=" + right.id()).statusCode()).isEqualTo(200);
    assertThat(cluster.regions().byId(right.id())).isNull();

    String address = cluster.stores().get(0).address();
    assertThat(call("POST", "/faults/restart-store?store=1").statusCode()).isEqualTo(200);
    assertThat(cluster.stores().get(0).address()).isEqualTo(address);

    long ts = cluster.tso().next();
    assertThat(json.readTree(call("POST", "/gc?safepoint=" + ts).body()).get("safe_point").asLong()).isEqualTo(ts);
    assertThat(cluster.gcSafePoint()).isEqualTo(ts);

    assertThat(call("POST", "/faults/transfer-leader?region=1").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/faults/nothing").statusCode()).isEqualTo(404);
  }
}
