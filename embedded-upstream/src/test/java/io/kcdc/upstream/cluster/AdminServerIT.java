package io.kcdc.upstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kcdc.tidb.Codec;
import io.kcdc.tidb.TableCodec;
import io.kcdc.testkit.Http;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerIT {
  private EmbeddedCluster cluster;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.builder().adminPort(0).resolvedTsInterval(Duration.ofMillis(200)).start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Http.Response call(String method, String pathAndQuery) throws Exception {
    return Http.to("http://" + cluster.adminAddress()).send(method, pathAndQuery, null);
  }

  @Test
  void listsRegionsAndInjectsFaults() throws Exception {
    JsonNode regions = call("GET", "/regions").json();
    assertThat(regions).hasSize(2);
    assertThat(regions.get(1).get("start_key").asText())
        .isEqualTo(HexFormat.of().formatHex(EmbeddedCluster.TABLE_DATA_SPLIT_KEY));

    Http.Response split = call("POST", "/faults/split?table=100&handle=50");
    assertThat(split.status()).isEqualTo(200);
    byte[] key = Codec.encodeBytes(TableCodec.recordKey(100, 50));
    Region right = cluster.regions().regionOf(key);
    assertThat(split.json().get(1).get("id").asLong()).isEqualTo(right.id());
    assertThat(call("GET", "/regions").json()).hasSize(3);

    long target = right.leader().storeId() % 3 + 1;
    Http.Response moved = call("POST", "/faults/transfer-leader?region=" + right.id() + "&store=" + target);
    assertThat(moved.json().get(0).get("leader_store_id").asLong()).isEqualTo(target);
    assertThat(cluster.regions().byId(right.id()).leader().storeId()).isEqualTo(target);

    Region left = cluster.regions().regionOf(Codec.encodeBytes(TableCodec.recordKey(100, 1)));
    assertThat(call("POST", "/faults/merge?left=" + left.id() + "&right=" + right.id()).status()).isEqualTo(200);
    assertThat(cluster.regions().byId(right.id())).isNull();

    String address = cluster.stores().get(0).address();
    assertThat(call("POST", "/faults/restart-store?store=1").status()).isEqualTo(200);
    assertThat(cluster.stores().get(0).address()).isEqualTo(address);

    long ts = cluster.tso().next();
    assertThat(call("POST", "/gc?safepoint=" + ts).json().get("safe_point").asLong()).isEqualTo(ts);
    assertThat(cluster.gcSafePoint()).isEqualTo(ts);

    assertThat(call("POST", "/faults/transfer-leader?region=1").status()).isEqualTo(400);
    assertThat(call("POST", "/faults/nothing").status()).isEqualTo(404);
  }
}
