package io.kcdc.streams.codec;

/**
 * Codec options shared by the MQ encoders (TiCDC's {@code codec/common.Config}), taken from the sink URI and
 * {@code sink}/{@code kafka-config}. {@code contentCompatible} implies {@code onlyOutputUpdatedColumns}.
 *
 * @param maxBatchSize rows per open-protocol message ({@code max-batch-size}, default 16)
 * @param openOutputOldValue {@code [sink.open] output-old-value}: open-protocol updates carry the pre image
 * @param largeMessageHandle {@code kafka-config.large-message-handle}
 */
public record EncoderConfig(
    boolean enableTidbExtension,
    boolean onlyOutputUpdatedColumns,
    boolean deleteOnlyOutputHandleKeyColumns,
    boolean contentCompatible,
    int maxMessageBytes,
    int maxBatchSize,
    boolean openOutputOldValue,
    LargeMessageHandle largeMessageHandle) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
  public static final int DEFAULT_MAX_BATCH_SIZE = 16;

  public EncoderConfig {
    largeMessageHandle = largeMessageHandle == null ? LargeMessageHandle.NONE : largeMessageHandle;
  }

  /** The options of the canal-json era: default batch size, old values on, no large-message handling. */
  public EncoderConfig(boolean enableTidbExtension, boolean onlyOutputUpdatedColumns,
      boolean deleteOnlyOutputHandleKeyColumns, boolean contentCompatible, int maxMessageBytes) {
    this(enableTidbExtension, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns, contentCompatible,
        maxMessageBytes, DEFAULT_MAX_BATCH_SIZE, true, LargeMessageHandle.NONE);
  }

  public static EncoderConfig defaults() {
    return new EncoderConfig(false, false, false, false, DEFAULT_MAX_MESSAGE_BYTES);
  }

  public EncoderConfig withTidbExtension(boolean on) {
    return new EncoderConfig(on, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns, contentCompatible,
        maxMessageBytes, maxBatchSize, openOutputOldValue, largeMessageHandle);
  }

  public EncoderConfig withMaxMessageBytes(int bytes) {
    return new EncoderConfig(enableTidbExtension, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns,
        contentCompatible, bytes, maxBatchSize, openOutputOldValue, largeMessageHandle);
  }

  public EncoderConfig withMaxBatchSize(int rows) {
    return new EncoderConfig(enableTidbExtension, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns,
        contentCompatible, maxMessageBytes, rows, openOutputOldValue, largeMessageHandle);
  }

  public EncoderConfig withOpenOutputOldValue(boolean on) {
    return new EncoderConfig(enableTidbExtension, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns,
        contentCompatible, maxMessageBytes, maxBatchSize, on, largeMessageHandle);
  }

  public EncoderConfig withLargeMessageHandle(LargeMessageHandle handle) {
    return new EncoderConfig(enableTidbExtension, onlyOutputUpdatedColumns, deleteOnlyOutputHandleKeyColumns,
        contentCompatible, maxMessageBytes, maxBatchSize, openOutputOldValue, handle);
  }

  public boolean outputOnlyUpdatedColumns() {
    return onlyOutputUpdatedColumns || contentCompatible;
  }
}
