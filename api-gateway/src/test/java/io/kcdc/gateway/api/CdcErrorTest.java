package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CdcException;
import io.kcdc.gateway.api.V2Models.HttpError;
import io.kcdc.gateway.model.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CdcErrorTest {
  @Test
  void errorBodyIsTiCdcs() {
    CdcException e = CdcError.CHANGEFEED_NOT_EXISTS.gen("default/cf-1");
    assertThat(new String(Json.indented(HttpError.of(e)), StandardCharsets.UTF_8)).isEqualTo("""
        {
            "error_msg": "[CDC:ErrChangeFeedNotExists]changefeed not exists, default/cf-1",
            "error_code": "CDC:ErrChangeFeedNotExists"
        }""");
    assertThat(e.httpStatus()).isEqualTo(400);
  }

  @Test
  void ids() {
    assertThat(ChangefeedIds.isValid("cf-kafka-1")).isTrue();
    assertThat(ChangefeedIds.isValid("a".repeat(128))).isTrue();
    assertThat(ChangefeedIds.isValid("a".repeat(129))).isFalse();
    assertThat(ChangefeedIds.isValid("test_resolveLock")).isFalse();
    assertThat(ChangefeedIds.isValid("-a")).isFalse();
    assertThat(ChangefeedIds.isValid("a--b")).isFalse();
    assertThat(ChangefeedIds.isValid("a.b")).isFalse();
    assertThat(ChangefeedIds.isValid("")).isFalse();
  }
}
