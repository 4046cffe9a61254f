/**
 * The pieces of {@code cdc cli} that are more than an HTTP call: TiCDC's output format, its TOML changefeed config,
 * and {@code changefeed statistics} computed from two readings of the API and {@code /metrics} (docs/cli.md).
 */
package io.kcdc.capture.cli;
