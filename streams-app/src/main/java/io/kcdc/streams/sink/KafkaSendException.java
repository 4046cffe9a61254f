package io.kcdc.streams.sink;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CodedException;

/**
 * TiCDC's {@code CDC:ErrKafkaAsyncSendMessage}: the sink cluster did not take a row record. Fatal for the app (the
 * rows stay in the sorter and are written again after a restart).
 */
public final class KafkaSendException extends CodedException {
  private static final long serialVersionUID = 1L;

  public KafkaSendException(String detail, Throwable cause) {
    super(CdcError.KAFKA_ASYNC_SEND_MESSAGE, detail, cause);
  }
}
