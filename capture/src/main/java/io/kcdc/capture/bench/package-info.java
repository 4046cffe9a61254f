/**
 * {@code cdc bench}: scenarios against the playground that measure a changefeed's catch-up throughput, live latency
 * and heap next to a plain Kafka producer writing the same bytes. Not part of the dataflow and without a TiCDC
 * counterpart; the figures are in the top-level README.md.
 */
package io.kcdc.capture.bench;
