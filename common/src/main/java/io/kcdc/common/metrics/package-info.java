/**
 * TiCDC's metric names, labels and buckets in one place, so that the connector, the Streams apps and the owner
 * register the series TiCDC's dashboards and alert rules expect (docs/metrics.md).
 */
package io.kcdc.common.metrics;
