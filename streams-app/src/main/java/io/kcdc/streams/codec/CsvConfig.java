package io.kcdc.streams.codec;

import io.kcdc.common.config.ReplicaConfig;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;

/**
 * {@code sink.csv} plus {@code sink.terminator} (docs/api-v2.md#sink-config): delimiter (default {@code ,}), quote
 * (empty or one character, default {@code "}), null string ({@code \N}), whether commit ts, is-update
 * (output-old-value), handle key and a header row are written, and how binary values are encoded.
 */
public record CsvConfig(String delimiter, String quote, String nullString, boolean includeCommitTs,
    String binaryEncodingMethod, boolean outputOldValue, boolean outputHandleKey, boolean outputFieldHeader,
    String terminator) {

  public static final String BASE64 = "base64";
  public static final String HEX = "hex";

  public CsvConfig {
    delimiter = delimiter == null ? "," : delimiter;
    quote = quote == null ? "\"" : quote;
    nullString = nullString == null ? "\\N" : nullString;
    binaryEncodingMethod = binaryEncodingMethod == null || binaryEncodingMethod.isEmpty() ? BASE64 : binaryEncodingMethod;
    terminator = terminator == null ? "\r\n" : terminator;
    if (delimiter.isEmpty() || delimiter.contains("\r") || delimiter.contains("\n")) {
      throw new IllegalArgumentException("csv config delimiter '" + delimiter + "' is invalid");
    }
    if (quote.length() > 1 || quote.contains("\r") || quote.contains("\n")) {
      throw new IllegalArgumentException("csv config quote '" + quote + "' is invalid");
    }
    if (!quote.isEmpty() && delimiter.contains(quote)) {
      throw new IllegalArgumentException("csv config quote and delimiter has common characters which is not allowed");
    }
    if (!binaryEncodingMethod.equals(BASE64) && !binaryEncodingMethod.equals(HEX)) {
      throw new IllegalArgumentException("csv config binary-encoding-method '" + binaryEncodingMethod + "' is invalid");
    }
  }

  /** TiCDC's defaults with the changefeed's default terminator {@code \r\n}. */
  public static CsvConfig defaults() {
    return new CsvConfig(null, null, null, false, null, false, false, false, null);
  }

  /** The effective config of a changefeed's {@code sink} settings. */
  public static CsvConfig of(SinkConfig sink) {
    ReplicaConfig.CsvConfig c = sink.csv();
    if (c == null) {
      return new CsvConfig(null, null, null, false, null, false, false, false, sink.terminator());
    }
    return new CsvConfig(c.delimiter(), c.quote(), c.nullValue(), Boolean.TRUE.equals(c.includeCommitTs()),
        c.binaryEncodingMethod(), Boolean.TRUE.equals(c.outputOldValue()), Boolean.TRUE.equals(c.outputHandleKey()),
        Boolean.TRUE.equals(c.outputFieldHeader()), sink.terminator());
  }
}
