package io.kcdc.streams.codec;

/**
 * Codec options shared by the MQ encoders (TiCDC's {@code codec/common.Config}), taken from the sink URI and
 * {@code sink}/{@code kafka-config}. {@code contentCompatible} implies {@code onlyOutputUpdatedColumns}.
 */
public record EncoderConfig(
    boolean enableTidbExtension,
    boolean onlyOutputUpdatedColumns,
    boolean deleteOnlyOutputHandleKeyColumns,
    boolean contentCompatible,
    int maxMessageBytes) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

  public static EncoderConfig defaults() {
    return new EncoderConfig(false, false, false, false, DEFAULT_MAX_MESSAGE_BYTES);
  }

  public EncoderConfig withTidbExtension(boolean on) {
    return new EncoderConfig(on, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns, contentCompatible, maxMessageBytes);
  }

  public boolean outputOnlyUpdatedColumns() {
    return onlyOutputUpdatedColumns || contentCompatible;
  }
}
