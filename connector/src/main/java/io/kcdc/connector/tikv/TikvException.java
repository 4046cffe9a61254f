package io.kcdc.connector.tikv;

/** A failure talking to PD or TiKV. Retryable unless it is a {@link Fatal}. */
public class TikvException extends RuntimeException {
  public TikvException(String message) {
    super(message);
  }

  public TikvException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure that retrying cannot fix (cluster id mismatch, an invariant violation, ...). */
  public static class Fatal extends TikvException {
    public Fatal(String message) {
      super(message);
    }

    public Fatal(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
