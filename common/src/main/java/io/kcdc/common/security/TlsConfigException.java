package io.kcdc.common.security;

import io.kcdc.common.errors.CdcError;

/**
 * TiCDC's {@code CDC:ErrToTLSConfigFailed}: the CA, certificate or key of a {@link Credential}
 * cannot be used. The message is TiCDC's ({@code generate tls config failed: <why>}).
 */
public final class TlsConfigException extends RuntimeException {
  private static final CdcError ERROR = CdcError.TO_TLS_CONFIG_FAILED;

  TlsConfigException(String detail, Throwable cause) {
    super(ERROR.template() + ": " + detail, cause);
  }

  /** The message as the v2 API prints a TiCDC error: {@code [CDC:ErrToTLSConfigFailed]generate tls ...}. */
  public String errorMsg() {
    return "[" + ERROR.code() + "]" + getMessage();
  }
}
