package io.kcdc.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void indentedIsGoMarshalIndentWithFourSpaces() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("error_msg", "x");
    v.put("list", List.of(1, 2));
    v.put("empty", Map.of());
    assertThat(new String(Json.indented(v), StandardCharsets.UTF_8)).isEqualTo(
        "{\n    \"error_msg\": \"x\",\n    \"list\": [\n        1,\n        2\n    ],\n    \"empty\": {}\n}");
  }

  @Test
  void escapesHtmlCharactersAsGo() {
    assertThat(Json.compactString(Map.of("u", "a?b=1&c=<d>")))
        .isEqualTo("{\"u\":\"a?b=1\\u0026c=\\u003cd\\u003e\"}");
  }

  @Test
  void jsonTimeUsesMillisecondsAndTheGivenZone() {
    assertThat(JsonTime.format(Instant.parse("2024-02-28T03:58:46.930912Z"), ZoneOffset.ofHours(8)))
        .isEqualTo("2024-02-28 11:58:46.930");
  }

  @Test
  void changefeedStateRoundTripsAndDisplays() {
    assertThat(Json.compactString(ChangefeedState.PENDING)).isEqualTo("\"pending\"");
    assertThat(ChangefeedState.of("warning")).isEqualTo(ChangefeedState.WARNING);
    assertThat(ChangefeedState.PENDING.displayed()).isEqualTo(ChangefeedState.WARNING);
    assertThat(ChangefeedState.UNINITIALIZED.displayed()).isEqualTo(ChangefeedState.NORMAL);
    assertThat(ChangefeedState.FINISHED.adminJobType()).isEqualTo(4);
    assertThat(ChangefeedState.STOPPED.adminJobType()).isEqualTo(1);
  }
}
