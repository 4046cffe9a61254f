/**
 * The Kafka Connect worker a capture embeds (every capture of a cluster joins one Connect group, which spreads the
 * connector tasks, TiCDC's processors, over them) and the owner's client of its REST API. This replaces TiCDC's
 * table scheduler (<a href="https://github.com/pingcap/tiflow/tree/v8.5.0/cdc/scheduler">cdc/scheduler</a>) with
 * Connect's rebalancing; docs/crash-recovery.md says how fast a dead capture's tasks move.
 */
package io.kcdc.capture.connect;
