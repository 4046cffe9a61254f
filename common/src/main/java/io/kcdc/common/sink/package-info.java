/**
 * What every module needs to know of a sink URI: its query read as Go's {@code net/url} reads it and its secrets
 * masked wherever it is shown (docs/kafka-sink.md).
 */
package io.kcdc.common.sink;
