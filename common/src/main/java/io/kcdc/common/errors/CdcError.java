package io.kcdc.common.errors;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * TiCDC's error catalogue: every code kcdc raises, on the API and on the data path alike, with
 * TiCDC's RFC code ({@code error_code}), message template, HTTP status and whether a changefeed may
 * retry it (docs/errors.md). Constants are named after TiCDC's Go variables without {@code Err}.
 */
public enum CdcError {
  // changefeed and capture bookkeeping
  CHANGEFEED_NOT_EXISTS("CDC:ErrChangeFeedNotExists", "changefeed not exists, %s", 400),
  CHANGEFEED_ALREADY_EXISTS("CDC:ErrChangeFeedAlreadyExists", "changefeed already exists, %s", 500),
  CAPTURE_NOT_EXIST("CDC:ErrCaptureNotExist", "capture not exists, %s", 400),
  SCHEDULER_REQUEST_FAILED("CDC:ErrSchedulerRequestFailed", "scheduler request failed, %s", 400),
  PD_ETCD_API_ERROR("CDC:ErrPDEtcdAPIError", "etcd api call error", 500),
  NEW_STORE("CDC:ErrNewStore", "new store failed", 500),

  // filters, dispatchers and column selectors
  FILTER_RULE_INVALID("CDC:ErrFilterRuleInvalid", "filter rule is invalid %s", 400),
  DISPATCHER_FAILED("CDC:ErrDispatcherFailed", "dispatcher failed", 500, Retry.NEVER),
  COLUMN_SELECTOR_FAILED("CDC:ErrColumnSelectorFailed", "column selector failed", 500, Retry.NEVER),
  INVALID_IGNORE_EVENT_TYPE("CDC:ErrInvalidIgnoreEventType", "invalid ignore event type: '%s'", 500),
  /** TiCDC's {@code ErrExpressionParseFailed}. */
  INVALID_FILTER_EXPRESSION(
      "CDC:ErrInvalidFilterExpression",
      "invalid filter expressions. There is a syntax error in: '%s'",
      500,
      Retry.NEVER),
  EXPRESSION_COLUMN_NOT_FOUND(
      "CDC:ErrExpressionColumnNotFound",
      "invalid filter expression(s). Cannot find column '%s' from table '%s' in: %s",
      500,
      Retry.NEVER),

  // sinks and codecs
  SINK_URI_INVALID("CDC:ErrSinkURIInvalid", "sink uri invalid '%s'", 400, Retry.NEVER),
  SINK_UNKNOWN_PROTOCOL("CDC:ErrSinkUnknownProtocol", "unknown '%s' message protocol for sink", 500),
  SINK_INVALID_CONFIG("CDC:ErrSinkInvalidConfig", "sink config invalid", 500),
  CODEC_INVALID_CONFIG("CDC:ErrCodecInvalidConfig", "Codec invalid config", 500),
  COMPRESSION_FAILED("CDC:ErrCompressionFailed", "Compression failed", 500),
  MESSAGE_TOO_LARGE("CDC:ErrMessageTooLarge", "message is too large", 500),
  AVRO_TO_ENVELOPE_ERROR("CDC:ErrAvroToEnvelopeError", "to envelope failed", 500),
  AVRO_ENCODE_FAILED("CDC:ErrAvroEncodeFailed", "encode to avro native data", 500),
  AVRO_SCHEMA_API_ERROR("CDC:ErrAvroSchemaAPIError", "schema manager API error, %s", 500),
  OPEN_PROTOCOL_CODEC_INVALID_DATA(
      "CDC:ErrOpenProtocolCodecInvalidData", "open-protocol codec invalid data", 500),
  /** TiCDC's Go name is {@code ErrExternalStorageAPI}; its RFC code still says S3. */
  EXTERNAL_STORAGE_API("CDC:ErrS3StorageAPI", "external storage api", 500),
  STORAGE_SINK_INVALID_CONFIG("CDC:ErrStorageSinkInvalidConfig", "storage sink config invalid", 500, Retry.NEVER),
  MYSQL_CONNECTION_ERROR("CDC:ErrMySQLConnectionError", "MySQL connection error", 400),
  MYSQL_INVALID_CONFIG("CDC:ErrMySQLInvalidConfig", "MySQL config invalid", 400, Retry.NEVER),

  // the Kafka sink
  KAFKA_ASYNC_SEND_MESSAGE("CDC:ErrKafkaAsyncSendMessage", "kafka async send message failed", 500),
  KAFKA_INVALID_PARTITION_NUM("CDC:ErrKafkaInvalidPartitionNum", "invalid partition num %d", 500),
  KAFKA_INVALID_REQUIRED_ACKS(
      "CDC:ErrKafkaInvalidRequiredAcks",
      "invalid required acks %d, only support these values: 0(NoResponse),1(WaitForLocal) and -1(WaitForAll)",
      500),
  KAFKA_NEW_PRODUCER("CDC:ErrKafkaNewProducer", "new kafka producer", 500),
  KAFKA_INVALID_CLIENT_ID("CDC:ErrKafkaInvalidClientID", "invalid kafka client ID '%s'", 500),
  KAFKA_INVALID_CONFIG("CDC:ErrKafkaInvalidConfig", "kafka config invalid", 500, Retry.NEVER),
  /** TiCDC's {@code ErrKafkaInvalidTopicExpression}; the template's trailing space is TiCDC's. */
  KAFKA_INVALID_TOPIC_EXPRESSION("CDC:ErrKafkaTopicExprInvalid", "invalid topic expression: %s ", 500),

  // TLS and server options
  TO_TLS_CONFIG_FAILED("CDC:ErrToTLSConfigFailed", "generate tls config failed", 500),
  INVALID_SERVER_OPTION("CDC:ErrInvalidServerOption", "invalid server option", 500),

  // schema storage and data integrity
  SCHEMA_SNAPSHOT_NOT_FOUND("CDC:ErrSchemaSnapshotNotFound", "can not found schema snapshot, ts: %d", 500, Retry.NEVER),
  SYNC_RENAME_TABLE_FAILED(
      "CDC:ErrSyncRenameTableFailed",
      "table's old name is not in filter rule, and its new name in filter rule table id '%d', ddl query: [%s], "
          + "it's an unexpected behavior, if you want to replicate this table, please add its old name to filter rule.",
      500,
      Retry.NEVER),
  CORRUPTED_DATA_MUTATION(
      "CDC:ErrCorruptedDataMutation",
      "Changefeed %s.%s stopped due to corrupted data mutation received",
      500,
      Retry.NEVER),

  // server, owner and processor
  CAPTURE_SUICIDE("CDC:ErrCaptureSuicide", "capture suicide", 500),
  PROCESSOR_UNKNOWN("CDC:ErrProcessorUnknown", "processor running unknown error", 500),
  OWNER_UNKNOWN("CDC:ErrOwnerUnknown", "owner running unknown error", 500),
  CLUSTER_IS_UNHEALTHY("CDC:ErrClusterIsUnhealthy", "TiCDC cluster is unhealthy", 500),
  API_INVALID_PARAM("CDC:ErrAPIInvalidParam", "invalid api parameter", 400),
  API_GET_PD_CLIENT_FAILED(
      "CDC:ErrAPIGetPDClientFailed", "failed to get PDClient to connect PD, please recheck", 500),
  REQUEST_FORWARD_ERR(
      "ErrRequestForwardErr",
      "request forward error, an request can only forward to owner one time",
      500),
  INTERNAL_SERVER_ERROR("CDC:ErrInternalServerError", "internal server error", 500),
  CHANGEFEED_UPDATE_REFUSED("CDC:ErrChangefeedUpdateRefused", "changefeed update error: %s", 400),
  START_TS_BEFORE_GC(
      "CDC:ErrStartTsBeforeGC",
      "fail to create or maintain changefeed because start-ts %d is earlier than or equal to GC safepoint at %d",
      400),
  TARGET_TS_BEFORE_START_TS(
      "CDC:ErrTargetTsBeforeStartTs",
      "fail to create changefeed because target-ts %d is earlier than start-ts %d",
      400),
  SNAPSHOT_LOST_BY_GC(
      "CDC:ErrSnapshotLostByGC",
      "fail to create or maintain changefeed due to snapshot loss caused by GC. checkpoint-ts %d is earlier than "
          + "or equal to GC safepoint at %d",
      500),
  GC_TTL_EXCEEDED(
      "CDC:ErrGCTTLExceeded",
      "the checkpoint-ts(%d) lag of the changefeed(%s) has exceeded the GC TTL and the changefeed is blocking "
          + "global GC progression",
      500),
  NOT_OWNER("CDC:ErrNotOwner", "this capture is not a owner", 500),
  OWNER_NOT_FOUND("CDC:ErrOwnerNotFound", "owner not found", 500),
  TABLE_INELIGIBLE(
      "CDC:ErrTableIneligible",
      "some tables are not eligible to replicate(%s), if you want to ignore these tables, please set "
          + "ignore_ineligible_table to true",
      400),
  ETCD_SESSION_DONE("CDC:ErrEtcdSessionDone", "the etcd session is done", 500),
  REACH_MAX_TRY("CDC:ErrReachMaxTry", "reach maximum try: %s, error: %s", 500),
  CHANGEFEED_UNRETRYABLE(
      "CDC:ErrChangefeedUnretryable",
      "changefeed is in unretryable state, please check the error message, and you should manually handle it",
      500,
      Retry.NEVER),
  UPSTREAM_NOT_FOUND("CDC:ErrUpstreamNotFound", "upstream not found, cluster-id: %d", 500),
  UPSTREAM_MISS_MATCH("CDC:ErrUpstreamMissMatch", "upstream missmatch,old: %d, new %d", 500),
  SERVER_IS_NOT_READY("CDC:ErrServerIsNotReady", "cdc server is not ready", 503),
  INVALID_REPLICA_CONFIG("CDC:ErrInvalidReplicaConfig", "invalid replica config, %s", 500),
  META_OP_FAILED("DFLOW:ErrMetaOpFailed", "unexpected meta operation failure: %s", 500),
  CREDENTIAL_NOT_FOUND("CDC:ErrCredentialNotFound", "credential not found: %s", 401),
  UNAUTHORIZED("CDC:ErrUnauthorized", "user %s unauthorized, error: %s", 401),

  /** A plain error without an RFC code ({@code error_code: ""}), e.g. "election: no leader". */
  UNCLASSIFIED("", "%s", 500);

  /** Whether a changefeed that hit the error may retry (TiCDC's {@code ShouldFailChangefeed}). */
  private enum Retry { MAY, NEVER }

  /**
   * Errors that fail a changefeed at once, even a stopped one
   * (docs/changefeed-lifecycle.md#transitions).
   */
  private static final Set<CdcError> FAST_FAIL =
      EnumSet.of(GC_TTL_EXCEEDED, SNAPSHOT_LOST_BY_GC, START_TS_BEFORE_GC);

  private static final Map<String, CdcError> BY_CODE = Arrays.stream(values())
      .filter(e -> !e.code.isEmpty())
      .collect(Collectors.toUnmodifiableMap(CdcError::code, Function.identity()));

  private final String code;
  private final String template;
  private final int httpStatus;
  private final boolean retryable;

  CdcError(String code, String template, int httpStatus) {
    this(code, template, httpStatus, Retry.MAY);
  }

  CdcError(String code, String template, int httpStatus, Retry retry) {
    this.code = code;
    this.template = template;
    this.httpStatus = httpStatus;
    this.retryable = retry == Retry.MAY;
  }

  /** The RFC code, e.g. {@code CDC:ErrAPIInvalidParam}; empty for {@link #UNCLASSIFIED}. */
  public String code() {
    return code;
  }

  public String template() {
    return template;
  }

  /** The status of this code alone; {@link #httpStatus(String, String)} also looks at the text. */
  public int httpStatus() {
    return httpStatus;
  }

  /** False for the errors TiCDC fails a changefeed on at once instead of retrying. */
  public boolean retryable() {
    return retryable;
  }

  /** An exception whose message is the template filled with {@code args}. */
  public CdcException gen(Object... args) {
    return new CdcException(this, String.format(template, args), null);
  }

  /** An exception with this code and a message of its own (TiCDC's {@code GenWithStack}). */
  public CdcException withMessage(String format, Object... args) {
    return new CdcException(this, String.format(format, args), null);
  }

  /** An exception whose message is the template followed by {@code ": " + cause} (TiCDC's {@code Wrap}). */
  public CdcException wrap(Throwable cause) {
    String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new CdcException(this, template + ": " + detail, cause);
  }

  public static Optional<CdcError> byCode(String code) {
    return Optional.ofNullable(code).map(BY_CODE::get);
  }

  /**
   * The HTTP status for an error with this code and full text: 400 if the code, or a code contained
   * in the text, is a bad-request code; otherwise the code's own status (401, 503) or 500
   * (docs/api-v2.md#status-codes).
   */
  public static int httpStatus(String code, String errorMsg) {
    if (matchesAny(e -> e.httpStatus == 400, code, errorMsg)) {
      return 400;
    }
    return byCode(code).map(CdcError::httpStatus).orElse(500);
  }

  /**
   * True if an error with this code (or mentioning an unretryable code) cannot be retried
   * (docs/changefeed-lifecycle.md#transitions).
   */
  public static boolean isUnretryable(String code, String message) {
    return matchesAny(e -> !e.retryable, code, message);
  }

  /** True for GC errors that fail a changefeed immediately. */
  public static boolean isFastFail(String code, String message) {
    return matchesAny(FAST_FAIL::contains, code, message);
  }

  private static boolean matchesAny(Predicate<CdcError> kind, String code, String message) {
    for (CdcError e : values()) {
      if (!e.code.isEmpty() && kind.test(e)
          && (e.code.equals(code) || (message != null && message.contains(e.code)))) {
        return true;
      }
    }
    return false;
  }
}
