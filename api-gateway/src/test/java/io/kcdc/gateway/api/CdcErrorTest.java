package io.kcdc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.gateway.api.V2Models.HttpError;
import io.kcdc.gateway.model.Json;
import java.io.IOException;
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
  void wrapAppendsTheCause() {
    CdcException e = CdcError.API_INVALID_PARAM.wrap(new IOException("EOF"));
    assertThat(e.errorMsg()).isEqualTo("[CDC:ErrAPIInvalidParam]invalid api parameter: EOF");
  }

  @Test
  void statusMapping() {
    assertThat(CdcError.CHANGEFEED_ALREADY_EXISTS.gen("x").httpStatus()).isEqualTo(500);
    assertThat(CdcError.SINK_URI_INVALID.gen("x").httpStatus()).isEqualTo(400);
    assertThat(CdcError.SERVER_IS_NOT_READY.gen().httpStatus()).isEqualTo(503);
    assertThat(CdcError.CREDENTIAL_NOT_FOUND.gen().httpStatus()).isEqualTo(401);
    // a 500 code whose text mentions a bad-request code is a bad request
    assertThat(CdcError.httpStatus("CDC:ErrKafkaNewProducer", "caused by [CDC:ErrSinkURIInvalid]x")).isEqualTo(400);
    CdcException plain = CdcError.UNCLASSIFIED.gen("election: no leader");
    assertThat(plain.errorMsg()).isEqualTo("election: no leader");
    assertThat(plain.code()).isEmpty();
    assertThat(plain.httpStatus()).isEqualTo(500);
    assertThat(CdcError.REQUEST_FORWARD_ERR.code()).isEqualTo("ErrRequestForwardErr");
  }

  @Test
  void retryClassification() {
    assertThat(CdcError.isUnretryable("CDC:ErrSinkURIInvalid", "")).isTrue();
    assertThat(CdcError.isUnretryable("CDC:ErrProcessorUnknown", "wrapped [CDC:ErrDispatcherFailed]")).isTrue();
    assertThat(CdcError.isUnretryable("CDC:ErrKafkaNewProducer", "broker down")).isFalse();
    assertThat(CdcError.isFastFail("CDC:ErrSnapshotLostByGC", "")).isTrue();
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
