package io.kcdc.streams.codec;

/** An event could not be encoded; {@code code} is TiCDC's error code, e.g. {@code CDC:ErrMessageTooLarge}. */
public final class EncodeException extends RuntimeException {
  private final String code;

  public EncodeException(String code, String message) {
    super("[" + code + "]" + message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
