package io.kcdc.common.errors;

/**
 * A data-path failure with a code of the catalogue. Its message is TiCDC's printed form
 * {@code [<code>]<detail>}, so the code survives wherever only the text travels: a Kafka Streams
 * app's uncaught exception, a Connect task's trace, a changefeed's running error.
 */
public abstract class CodedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient CdcError error;
  private final String detail;

  protected CodedException(CdcError error, String detail, Throwable cause) {
    super("[" + error.code() + "]" + detail, cause);
    this.error = error;
    this.detail = detail;
  }

  public CdcError error() {
    return error;
  }

  public String code() {
    return error.code();
  }

  /** The message without the code prefix. */
  public String detail() {
    return detail;
  }
}
