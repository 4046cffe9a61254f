package io.kcdc.streams.sink;

/**
 * TiCDC's {@code CDC:ErrKafkaAsyncSendMessage}: the sink cluster did not take a row record. Fatal for the app (the
 * rows stay in the sorter and are written again after a restart).
 */
public final class KafkaSendException extends RuntimeException {
  public static final String CODE = "CDC:ErrKafkaAsyncSendMessage";

  public KafkaSendException(String detail, Throwable cause) {
    super("[" + CODE + "]" + detail, cause);
  }

  public String code() {
    return CODE;
  }
}
