/**
 * Fidelity checks of the embedded upstream's EventFeed against a released client that was written for real TiKV: the
 * CDC client of TiKV's Java client consumes committed rows from the embedded stores. Nothing here is part of the
 * dataflow; it keeps the stand-in honest (docs/tikv-eventfeed.md).
 */
package io.kcdc.fidelity;
