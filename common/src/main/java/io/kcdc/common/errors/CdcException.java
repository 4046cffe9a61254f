package io.kcdc.common.errors;

/**
 * An error with a TiCDC code as the API reports it. {@link #getMessage()} is the bare message;
 * {@link #errorMsg()} is what TiCDC prints: {@code [<code>]<message>}.
 */
public final class CdcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient CdcError error;

  public CdcException(CdcError error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  /** The API's form of a data-path failure: same code, its bare detail as the message. */
  public static CdcException of(CodedException e) {
    return new CdcException(e.error(), e.detail(), e);
  }

  public CdcError error() {
    return error;
  }

  /** The RFC code, empty for errors without one. */
  public String code() {
    return error.code();
  }

  /** {@code [<code>]<message>}, or just the message for errors without a code. */
  public String errorMsg() {
    return code().isEmpty() ? getMessage() : "[" + code() + "]" + getMessage();
  }

  public int httpStatus() {
    return CdcError.httpStatus(code(), errorMsg());
  }
}
