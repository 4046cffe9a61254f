package io.kcdc.streams.sink;

import io.kcdc.common.errors.CdcError;
import io.kcdc.common.errors.CodedException;

/**
 * An invalid sink URI or sink configuration, with its code from the catalogue (for example
 * {@link CdcError#SINK_URI_INVALID}); {@link #getMessage()} is TiCDC's {@code "[code]message"} form.
 */
public final class SinkConfigException extends CodedException {
  private static final long serialVersionUID = 1L;

  public SinkConfigException(CdcError error, String detail) {
    super(error, detail, null);
  }

  public SinkConfigException(CdcError error, String detail, Throwable cause) {
    super(error, detail, cause);
  }
}
