package io.kcdc.gateway.api;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * TiCDC's error codes as the v2 API reports them: the RFC code ({@code error_code}), the message
 * template and the HTTP status. The one place that knows which code is a bad request.
 */
public enum CdcError {
  API_INVALID_PARAM("CDC:ErrAPIInvalidParam", "invalid api parameter", 400),
  SINK_URI_INVALID("CDC:ErrSinkURIInvalid", "sink uri invalid '%s'", 400),
  START_TS_BEFORE_GC(
      "CDC:ErrStartTsBeforeGC",
      "fail to create or maintain changefeed because start-ts %d is earlier than or equal to GC safepoint at %d",
      400),
  CHANGEFEED_NOT_EXISTS("CDC:ErrChangeFeedNotExists", "changefeed not exists, %s", 400),
  TARGET_TS_BEFORE_START_TS(
      "CDC:ErrTargetTsBeforeStartTs",
      "fail to create changefeed because target-ts %d is earlier than start-ts %d",
      400),
  TABLE_INELIGIBLE(
      "CDC:ErrTableIneligible",
      "some tables are not eligible to replicate(%s), if you want to ignore these tables, please set ignore_ineligible_table to true",
      400),
  FILTER_RULE_INVALID("CDC:ErrFilterRuleInvalid", "filter rule is invalid %s", 400),
  CHANGEFEED_UPDATE_REFUSED("CDC:ErrChangefeedUpdateRefused", "changefeed update error: %s", 400),
  MYSQL_CONNECTION_ERROR("CDC:ErrMySQLConnectionError", "MySQL connection error", 400),
  MYSQL_INVALID_CONFIG("CDC:ErrMySQLInvalidConfig", "MySQL config invalid", 400),
  CAPTURE_NOT_EXIST("CDC:ErrCaptureNotExist", "capture not exists, %s", 400),
  SCHEDULER_REQUEST_FAILED("CDC:ErrSchedulerRequestFailed", "scheduler request failed, %s", 400),

  CHANGEFEED_ALREADY_EXISTS("CDC:ErrChangeFeedAlreadyExists", "changefeed already exists, %s", 500),
  SINK_UNKNOWN_PROTOCOL("CDC:ErrSinkUnknownProtocol", "unknown '%s' message protocol for sink", 500),
  SINK_INVALID_CONFIG("CDC:ErrSinkInvalidConfig", "sink config invalid", 500),
  KAFKA_INVALID_CONFIG("CDC:ErrKafkaInvalidConfig", "kafka config invalid", 500),
  KAFKA_NEW_PRODUCER("CDC:ErrKafkaNewProducer", "new kafka producer", 500),
  STORAGE_SINK_INVALID_CONFIG("CDC:ErrStorageSinkInvalidConfig", "storage sink config invalid", 500),
  INVALID_IGNORE_EVENT_TYPE("CDC:ErrInvalidIgnoreEventType", "invalid ignore event type: '%s'", 500),
  INVALID_FILTER_EXPRESSION(
      "CDC:ErrInvalidFilterExpression",
      "invalid filter expressions. There is a syntax error in: '%s'",
      500),
  EXPRESSION_COLUMN_NOT_FOUND(
      "CDC:ErrExpressionColumnNotFound",
      "invalid filter expression(s). Cannot find column '%s' from table '%s' in: %s",
      500),
  DISPATCHER_FAILED("CDC:ErrDispatcherFailed", "dispatcher failed", 500),
  COLUMN_SELECTOR_FAILED("CDC:ErrColumnSelectorFailed", "column selector failed", 500),
  INVALID_REPLICA_CONFIG("CDC:ErrInvalidReplicaConfig", "invalid replica config, %s", 500),
  SAME_UPSTREAM_DOWNSTREAM(
      "CDC:ErrSameUpstreamDownstream",
      "TiCDC does not support creating a changefeed with the same TiDB cluster as both the source and the target for the changefeed.",
      500),
  PD_ETCD_API_ERROR("CDC:ErrPDEtcdAPIError", "etcd api call error", 500),
  API_GET_PD_CLIENT_FAILED(
      "CDC:ErrAPIGetPDClientFailed", "failed to get PDClient to connect PD, please recheck", 500),
  INTERNAL_SERVER_ERROR("CDC:ErrInternalServerError", "internal server error", 500),
  UPSTREAM_NOT_FOUND("CDC:ErrUpstreamNotFound", "upstream not found, cluster-id: %d", 500),
  CLUSTER_IS_UNHEALTHY("CDC:ErrClusterIsUnhealthy", "TiCDC cluster is unhealthy", 500),
  OWNER_NOT_FOUND("CDC:ErrOwnerNotFound", "owner not found", 500),
  NOT_OWNER("CDC:ErrNotOwner", "this capture is not a owner", 500),
  OWNER_UNKNOWN("CDC:ErrOwnerUnknown", "owner running unknown error", 500),
  PROCESSOR_UNKNOWN("CDC:ErrProcessorUnknown", "processor running unknown error", 500),
  REACH_MAX_TRY("CDC:ErrReachMaxTry", "reach maximum try: %s, error: %s", 500),
  META_OP_FAILED("DFLOW:ErrMetaOpFailed", "unexpected meta operation failure: %s", 500),
  REQUEST_FORWARD_ERR(
      "ErrRequestForwardErr",
      "request forward error, an request can only forward to owner one time",
      500),
  GC_TTL_EXCEEDED(
      "CDC:ErrGCTTLExceeded",
      "the checkpoint-ts(%d) lag of the changefeed(%s) has exceeded the GC TTL and the changefeed is blocking global GC progression",
      500),
  SNAPSHOT_LOST_BY_GC(
      "CDC:ErrSnapshotLostByGC",
      "fail to create or maintain changefeed due to snapshot loss caused by GC. checkpoint-ts %d is earlier than or equal to GC safepoint at %d",
      500),
  CHANGEFEED_UNRETRYABLE("CDC:ErrChangefeedUnretryable", "changefeed is in unretryable state: %s", 500),
  SCHEMA_SNAPSHOT_NOT_FOUND("CDC:ErrSchemaSnapshotNotFound", "can not found schema snapshot, ts: %d", 500),
  SYNC_RENAME_TABLE_FAILED("CDC:ErrSyncRenameTableFailed", "table's old name is not in the schema storage", 500),
  CORRUPTED_DATA_MUTATION("CDC:ErrCorruptedDataMutation", "corrupted data mutation detected", 500),
  CAPTURE_SUICIDE("CDC:ErrCaptureSuicide", "capture suicide", 500),
  ETCD_SESSION_DONE("CDC:ErrEtcdSessionDone", "the etcd session is done", 500),
  SERVER_IS_NOT_READY("CDC:ErrServerIsNotReady", "cdc server is not ready", 503),
  CREDENTIAL_NOT_FOUND(
      "CDC:ErrCredentialNotFound",
      "credential not found: please specify the user and password via authorization header",
      401),
  UNAUTHORIZED("CDC:ErrUnauthorized", "user %s unauthorized, error: %s", 401),
  /** A plain error without an RFC code ({@code error_code: ""}), e.g. "election: no leader". */
  NEW_STORE("CDC:ErrNewStore", "new store failed", 500),
  UPSTREAM_MISS_MATCH("CDC:ErrUpstreamMissMatch", "upstream missmatch,old: %d, new %d", 500),
  UNCLASSIFIED("", "%s", 500);

  /**
   * Codes that make an error a bad request (400), by code or by text
   * (docs/api-v2.md#status-codes).
   */
  private static final Set<CdcError> BAD_REQUEST =
      EnumSet.of(
          API_INVALID_PARAM,
          SINK_URI_INVALID,
          START_TS_BEFORE_GC,
          CHANGEFEED_NOT_EXISTS,
          TARGET_TS_BEFORE_START_TS,
          TABLE_INELIGIBLE,
          FILTER_RULE_INVALID,
          CHANGEFEED_UPDATE_REFUSED,
          MYSQL_CONNECTION_ERROR,
          MYSQL_INVALID_CONFIG,
          CAPTURE_NOT_EXIST,
          SCHEDULER_REQUEST_FAILED);

  /**
   * Errors a changefeed cannot recover from by retrying
   * (docs/changefeed-lifecycle.md#transitions).
   */
  private static final Set<CdcError> UNRETRYABLE =
      EnumSet.of(
          EXPRESSION_COLUMN_NOT_FOUND,
          INVALID_FILTER_EXPRESSION,
          SCHEMA_SNAPSHOT_NOT_FOUND,
          SYNC_RENAME_TABLE_FAILED,
          CHANGEFEED_UNRETRYABLE,
          CORRUPTED_DATA_MUTATION,
          DISPATCHER_FAILED,
          COLUMN_SELECTOR_FAILED,
          SINK_URI_INVALID,
          KAFKA_INVALID_CONFIG,
          MYSQL_INVALID_CONFIG,
          STORAGE_SINK_INVALID_CONFIG);

  /**
   * Errors that fail a changefeed at once, even a stopped one
   * (docs/changefeed-lifecycle.md#transitions).
   */
  private static final Set<CdcError> FAST_FAIL =
      EnumSet.of(GC_TTL_EXCEEDED, SNAPSHOT_LOST_BY_GC, START_TS_BEFORE_GC);

  private final String code;
  private final String template;
  private final int httpStatus;

  CdcError(String code, String template, int httpStatus) {
    this.code = code;
    this.template = template;
    this.httpStatus = httpStatus;
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

  public static java.util.Optional<CdcError> byCode(String code) {
    return Arrays.stream(values()).filter(e -> !e.code.isEmpty() && e.code.equals(code)).findFirst();
  }

  /**
   * The HTTP status for an error with this code and full text: 400 if the code, or a code contained
   * in the text, is a bad-request code; otherwise the code's own status (401, 503) or 500.
   */
  public static int httpStatus(String code, String errorMsg) {
    for (CdcError e : BAD_REQUEST) {
      if (e.code.equals(code) || (errorMsg != null && errorMsg.contains(e.code))) {
        return 400;
      }
    }
    return byCode(code).map(CdcError::httpStatus).orElse(500);
  }

  /** True if an error with this code (or mentioning an unretryable code) cannot be retried. */
  public static boolean isUnretryable(String code, String message) {
    return matchesAny(UNRETRYABLE, code, message);
  }

  /** True for GC errors that fail a changefeed immediately. */
  public static boolean isFastFail(String code, String message) {
    return matchesAny(FAST_FAIL, code, message);
  }

  private static boolean matchesAny(Set<CdcError> set, String code, String message) {
    for (CdcError e : set) {
      if (e.code.equals(code) || (message != null && message.contains(e.code))) {
        return true;
      }
    }
    return false;
  }
}
