package io.kcdc.common.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkUriSecretsTest {
  @Test
  void masksUserinfoPassword() {
    assertThat(SinkUriSecrets.mask("mysql://root:secret@127.0.0.1:3306/"))
        .isEqualTo("mysql://root:xxxxx@127.0.0.1:3306/");
    assertThat(SinkUriSecrets.mask("mysql://root@127.0.0.1:3306/")).isEqualTo("mysql://root@127.0.0.1:3306/");
  }

  @Test
  void masksSaslPasswordAndSortsTheQuery() {
    assertThat(SinkUriSecrets.mask("kafka://h:9092/t?sasl-password=p%40ss&protocol=canal-json&sasl-user=u"))
        .isEqualTo("kafka://h:9092/t?protocol=canal-json&sasl-password=xxxxx&sasl-user=u");
  }

  @Test
  void theApiAndTheDataPathMaskTheSameSecrets() {
    String uri = "kafka://u:pw@h:9092/t?protocol=canal-json&sasl-gssapi-password=kerberos";
    assertThat(SinkUriSecrets.mask(uri))
        .isEqualTo("kafka://u:xxxxx@h:9092/t?protocol=canal-json&sasl-gssapi-password=xxxxx");
    assertThat(SinkUriSecrets.maskText("cannot reach " + uri))
        .isEqualTo("cannot reach kafka://u:xxxxx@h:9092/t?protocol=canal-json&sasl-gssapi-password=xxxxx");
  }

  @Test
  void leavesOtherUrisAlone() {
    assertThat(SinkUriSecrets.mask("kafka://127.0.0.1:9092/topic?protocol=canal-json&partition-num=3"))
        .isEqualTo("kafka://127.0.0.1:9092/topic?protocol=canal-json&partition-num=3");
    assertThat(SinkUriSecrets.mask("blackhole://")).isEqualTo("blackhole://");
  }

  @Test
  void masksSecretsInTextThatIsNoUri() {
    assertThat(SinkUriSecrets.maskText("Illegal character in query at index 9: k://h/t?a=1&SASL-PASSWORD=Top Secret"))
        .isEqualTo("Illegal character in query at index 9: k://h/t?a=1&SASL-PASSWORD=xxxxx");
  }

  @Test
  void queriesReadAndWriteAsGosNetUrl() {
    assertThat(GoUrlQuery.parse("b=2&a=1&b=3&c&d=%zz")).isEqualTo(
        Map.of("b", List.of("2", "3"), "a", List.of("1"), "c", List.of(""), "d", List.of("%zz")));
    assertThat(GoUrlQuery.firstValues("b=2&b=3")).containsEntry("b", "2");
    assertThat(GoUrlQuery.encode(Map.of("z", List.of("a b*~"), "a", List.of("@")))).isEqualTo("a=%40&z=a+b%2A~");
  }
}
