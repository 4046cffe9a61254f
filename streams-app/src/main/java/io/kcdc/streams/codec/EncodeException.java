package io.kcdc.streams.codec;

import io.kcdc.streams.model.TableInfo;

/** An event could not be encoded; {@code code} is TiCDC's error code, e.g. {@code CDC:ErrMessageTooLarge}. */
public final class EncodeException extends RuntimeException {
  public static final String MESSAGE_TOO_LARGE = "CDC:ErrMessageTooLarge";

  private final String code;

  public EncodeException(String code, String message) {
    super("[" + code + "]" + message);
    this.code = code;
  }

  public EncodeException(String code, String message, Throwable cause) {
    super("[" + code + "]" + message, cause);
    this.code = code;
  }

  /** TiCDC's {@code ErrMessageTooLarge} for a row of {@code table}. */
  public static EncodeException messageTooLarge(int length, TableInfo table, int maxMessageBytes) {
    return new EncodeException(MESSAGE_TOO_LARGE, "message is too large: " + length + " bytes for table "
        + table.schemaName() + "." + table.tableName() + ", max-message-bytes " + maxMessageBytes);
  }

  public String code() {
    return code;
  }
}
