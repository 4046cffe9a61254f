package io.kcdc.streams.codec;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CodedException;
import io.kcdc.streams.model.TableInfo;

/** An event could not be encoded; its code comes from the catalogue, e.g. {@link CdcError#MESSAGE_TOO_LARGE}. */
public final class EncodeException extends CodedException {
  private static final long serialVersionUID = 1L;

  public EncodeException(CdcError error, String message) {
    super(error, message, null);
  }

  public EncodeException(CdcError error, String message, Throwable cause) {
    super(error, message, cause);
  }

  /** TiCDC's {@code ErrMessageTooLarge} for a row of {@code table}. */
  public static EncodeException messageTooLarge(int length, TableInfo table, int maxMessageBytes) {
    return new EncodeException(CdcError.MESSAGE_TOO_LARGE, "message is too large: " + length + " bytes for table "
        + table.schemaName() + "." + table.tableName() + ", max-message-bytes " + maxMessageBytes);
  }
}
