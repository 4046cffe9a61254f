package io.kcdc.common.security;

/**
 * TiCDC's {@code CDC:ErrToTLSConfigFailed}: the CA, certificate or key of a {@link Credential}
 * cannot be used. The message is TiCDC's ({@code generate tls config failed: <why>}).
 */
public final class TlsConfigException extends RuntimeException {
  public static final String RFC_CODE = "CDC:ErrToTLSConfigFailed";
  static final String TEMPLATE = "generate tls config failed";

  TlsConfigException(String detail, Throwable cause) {
    super(TEMPLATE + ": " + detail, cause);
  }

  /** The message as the v2 API prints a TiCDC error: {@code [CDC:ErrToTLSConfigFailed]generate tls ...}. */
  public String errorMsg() {
    return "[" + RFC_CODE + "]" + getMessage();
  }
}
