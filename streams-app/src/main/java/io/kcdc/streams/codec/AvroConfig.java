package io.kcdc.streams.codec;

import java.util.Locale;

/**
 * Avro-only codec options (TiCDC's {@code avro-*} sink-URI parameters and {@code codec_config}).
 *
 * @param decimalHandlingMode {@code precise} (bytes + decimal logical type) or {@code string}
 * @param bigintUnsignedHandlingMode {@code long} (the bit pattern) or {@code string}
 * @param enableWatermark {@code avro-enable-watermark}: DDL and checkpoint records (testing only in TiCDC)
 * @param namespace the changefeed's namespace, the first part of every record's Avro namespace
 */
public record AvroConfig(String decimalHandlingMode, String bigintUnsignedHandlingMode, boolean enableWatermark,
    String namespace) {
  public static final String PRECISE = "precise";
  public static final String STRING = "string";
  public static final String LONG = "long";

  public AvroConfig {
    decimalHandlingMode = decimalHandlingMode == null ? PRECISE : decimalHandlingMode.toLowerCase(Locale.ROOT);
    bigintUnsignedHandlingMode = bigintUnsignedHandlingMode == null ? LONG : bigintUnsignedHandlingMode.toLowerCase(Locale.ROOT);
    namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
    if (!decimalHandlingMode.equals(PRECISE) && !decimalHandlingMode.equals(STRING)) {
      throw new IllegalArgumentException("avro-decimal-handling-mode " + decimalHandlingMode + " is not supported");
    }
    if (!bigintUnsignedHandlingMode.equals(LONG) && !bigintUnsignedHandlingMode.equals(STRING)) {
      throw new IllegalArgumentException("avro-bigint-unsigned-handling-mode " + bigintUnsignedHandlingMode + " is not supported");
    }
  }

  public static AvroConfig defaults() {
    return new AvroConfig(PRECISE, LONG, false, "default");
  }

  public boolean decimalAsString() {
    return decimalHandlingMode.equals(STRING);
  }

  public boolean bigintUnsignedAsString() {
    return bigintUnsignedHandlingMode.equals(STRING);
  }
}
