package io.kcdc.streams.codec;

import java.util.Locale;

/**
 * {@code kafka-config.large-message-handle} (docs/output-formats.md#large-messages): what an encoder does with a row
 * whose message exceeds {@code max-message-bytes}: fail ({@code none}), send only the handle-key columns, or store
 * the whole message in external storage and send a handle-key-only message that points to it ({@code claim-check}).
 *
 * @param claimCheckStorageUri where claim-check files go; only {@code file://} is supported
 * @param claimCheckRawValue store the raw value bytes instead of the {@code {"key","value"}} JSON (not for open protocol)
 */
public record LargeMessageHandle(Option option, String compression, String claimCheckStorageUri, boolean claimCheckRawValue) {

  /** {@code large-message-handle-option}. */
  public enum Option {
    NONE("none"), HANDLE_KEY_ONLY("handle-key-only"), CLAIM_CHECK("claim-check");

    private final String text;

    Option(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    /** Parses TiCDC's option names; null or empty means {@code none}. */
    public static Option of(String s) {
      if (s == null || s.isEmpty()) {
        return NONE;
      }
      for (Option o : values()) {
        if (o.text.equals(s.toLowerCase(Locale.ROOT))) {
          return o;
        }
      }
      throw new IllegalArgumentException("large-message-handle-option " + s + " is not supported");
    }
  }

  public static final LargeMessageHandle NONE = new LargeMessageHandle(Option.NONE, "none", "", false);

  public LargeMessageHandle {
    option = option == null ? Option.NONE : option;
    compression = compression == null || compression.isEmpty() ? "none" : compression;
    claimCheckStorageUri = claimCheckStorageUri == null ? "" : claimCheckStorageUri;
  }

  /** {@code large-message-handle-compression}, which applies whatever the option (even {@code none}). */
  public MessageCompression codec() {
    return MessageCompression.of(compression);
  }

  public boolean disabled() {
    return option == Option.NONE;
  }

  public boolean handleKeyOnly() {
    return option == Option.HANDLE_KEY_ONLY;
  }

  public boolean claimCheck() {
    return option == Option.CLAIM_CHECK;
  }
}
