package io.kcdc.streams.sink;

/**
 * An invalid sink URI or sink configuration. {@link #code()} is TiCDC's RFC error code (for example
 * {@code CDC:ErrSinkURIInvalid}); {@link #getMessage()} is TiCDC's {@code "[code]message"} form.
 */
public final class SinkConfigException extends RuntimeException {
  public static final String SINK_URI_INVALID = "CDC:ErrSinkURIInvalid";
  public static final String SINK_UNKNOWN_PROTOCOL = "CDC:ErrSinkUnknownProtocol";
  public static final String KAFKA_INVALID_CONFIG = "CDC:ErrKafkaInvalidConfig";
  public static final String KAFKA_INVALID_REQUIRED_ACKS = "CDC:ErrKafkaInvalidRequiredAcks";
  public static final String KAFKA_INVALID_CLIENT_ID = "CDC:ErrKafkaInvalidClientID";
  public static final String KAFKA_NEW_PRODUCER = "CDC:ErrKafkaNewProducer";
  public static final String KAFKA_INVALID_PARTITION_NUM = "CDC:ErrKafkaInvalidPartitionNum";
  public static final String KAFKA_INVALID_TOPIC_EXPRESSION = "CDC:ErrKafkaTopicExprInvalid";
  public static final String DISPATCHER_FAILED = "CDC:ErrDispatcherFailed";
  public static final String SINK_INVALID_CONFIG = "CDC:ErrSinkInvalidConfig";

  private final String code;
  private final String detail;

  public SinkConfigException(String code, String detail) {
    super("[" + code + "]" + detail);
    this.code = code;
    this.detail = detail;
  }

  public SinkConfigException(String code, String detail, Throwable cause) {
    super("[" + code + "]" + detail, cause);
    this.code = code;
    this.detail = detail;
  }

  public String code() {
    return code;
  }

  /** The message without the code prefix. */
  public String detail() {
    return detail;
  }
}
