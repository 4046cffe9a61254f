package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.gateway.api.V2Models.ChangeFeedInfo;
import io.kcdc.gateway.api.V2Models.ChangefeedCommonInfo;
import io.kcdc.gateway.api.V2Models.ListResponse;
import io.kcdc.gateway.model.Json;
import io.kcdc.gateway.model.RunningError;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class V2ModelsTest {
  @Test
  void changefeedInfoOmitsEmptyFieldsButNotTheProgressOnes() {
    ChangeFeedInfo info = new ChangeFeedInfo(0, "default", "cf", "blackhole://",
        OffsetDateTime.parse("2024-02-28T11:58:46.930912+08:00"), 5, 0, 0, null, "normal", null, "v8.5.0",
        5, 5, "2024-02-28 11:58:46.930", null);
    assertThat(Json.compactString(info)).isEqualTo(
        "{\"namespace\":\"default\",\"id\":\"cf\",\"sink_uri\":\"blackhole://\","
            + "\"create_time\":\"2024-02-28T11:58:46.930912+08:00\",\"start_ts\":5,\"state\":\"normal\","
            + "\"creator_version\":\"v8.5.0\",\"resolved_ts\":5,\"checkpoint_ts\":5,"
            + "\"checkpoint_time\":\"2024-02-28 11:58:46.930\"}");
  }

  @Test
  void listItemsAlwaysCarryError() {
    ChangefeedCommonInfo item = new ChangefeedCommonInfo(7, "default", "cf", "normal", 0, "0001-01-01 00:00:00.000", null);
    assertThat(Json.compactString(ListResponse.of(List.of(item)))).isEqualTo(
        "{\"total\":1,\"items\":[{\"upstream_id\":7,\"namespace\":\"default\",\"id\":\"cf\",\"state\":\"normal\","
            + "\"checkpoint_tso\":0,\"checkpoint_time\":\"0001-01-01 00:00:00.000\",\"error\":null}]}");
    assertThat(Json.compactString(ListResponse.of(List.of()))).isEqualTo("{\"total\":0,\"items\":[]}");
  }

  @Test
  void runningErrorWithoutTimeLeavesItOut() {
    RunningError e = new RunningError(OffsetDateTime.parse("2024-01-01T00:00:00Z"), "a:1", "CDC:ErrX", "m");
    assertThat(Json.compactString(e)).isEqualTo(
        "{\"time\":\"2024-01-01T00:00:00Z\",\"addr\":\"a:1\",\"code\":\"CDC:ErrX\",\"message\":\"m\"}");
    assertThat(Json.compactString(e.withoutTime())).isEqualTo("{\"addr\":\"a:1\",\"code\":\"CDC:ErrX\",\"message\":\"m\"}");
  }

  @Test
  void tsoAndEmpty() {
    assertThat(new String(Json.indented(new V2Models.Tso(1700000000000L, 3)), StandardCharsets.UTF_8))
        .isEqualTo("{\n    \"timestamp\": 1700000000000,\n    \"logic_time\": 3\n}");
    assertThat(Json.compactString(new V2Models.EmptyResponse())).isEqualTo("{}");
  }
}
