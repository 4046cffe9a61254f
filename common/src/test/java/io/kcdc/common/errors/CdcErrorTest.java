package io.kcdc.common.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CdcErrorTest {
  @Test
  void wrapAppendsTheCause() {
    CdcException e = CdcError.API_INVALID_PARAM.wrap(new IOException("EOF"));
    assertThat(e.errorMsg()).isEqualTo("[CDC:ErrAPIInvalidParam]invalid api parameter: EOF");
  }

  @Test
  void statusMapping() {
    assertThat(CdcError.CHANGEFEED_NOT_EXISTS.gen("x").httpStatus()).isEqualTo(400);
    assertThat(CdcError.CHANGEFEED_ALREADY_EXISTS.gen("x").httpStatus()).isEqualTo(500);
    assertThat(CdcError.SINK_URI_INVALID.gen("x").httpStatus()).isEqualTo(400);
    assertThat(CdcError.SERVER_IS_NOT_READY.gen().httpStatus()).isEqualTo(503);
    assertThat(CdcError.CREDENTIAL_NOT_FOUND.gen("no header").httpStatus()).isEqualTo(401);
    // a 500 code whose text mentions a bad-request code is a bad request
    assertThat(CdcError.httpStatus("CDC:ErrKafkaNewProducer", "caused by [CDC:ErrSinkURIInvalid]x")).isEqualTo(400);
    assertThat(CdcError.httpStatus("CDC:ErrNoSuchCode", "x")).isEqualTo(500);
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
    assertThat(CdcError.KAFKA_INVALID_CONFIG.retryable()).isFalse();
    assertThat(CdcError.KAFKA_ASYNC_SEND_MESSAGE.retryable()).isTrue();
  }

  @Test
  void codesAreTiCdcsRfcCodesNotItsGoNames() {
    // tiflow v8.5.0 pkg/errors/cdc_errors.go: ErrExternalStorageAPI and ErrKafkaInvalidTopicExpression
    assertThat(CdcError.EXTERNAL_STORAGE_API.code()).isEqualTo("CDC:ErrS3StorageAPI");
    assertThat(CdcError.KAFKA_INVALID_TOPIC_EXPRESSION.code()).isEqualTo("CDC:ErrKafkaTopicExprInvalid");
    assertThat(CdcError.INVALID_FILTER_EXPRESSION.code()).isEqualTo("CDC:ErrInvalidFilterExpression");
  }

  @Test
  void aDataPathFailureKeepsItsCodeOnTheApi() {
    CodedException failure = new CodedException(CdcError.KAFKA_INVALID_REQUIRED_ACKS, "invalid required acks 2", null) {};
    assertThat(failure).hasMessage("[CDC:ErrKafkaInvalidRequiredAcks]invalid required acks 2");
    CdcException onApi = CdcException.of(failure);
    assertThat(onApi.errorMsg()).isEqualTo(failure.getMessage());
    assertThat(onApi.httpStatus()).isEqualTo(500);
    assertThat(CdcException.of(new CodedException(CdcError.SINK_URI_INVALID, "x", null) {}).httpStatus()).isEqualTo(400);
  }
}
