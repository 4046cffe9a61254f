/**
 * A benchmark of the embedded upstream on its own (SQL writes through the MySQL protocol, EventFeed reads), so that
 * a slow changefeed can be told apart from a slow stand-in cluster. It has no TiCDC counterpart.
 */
package io.kcdc.upstream.bench;
