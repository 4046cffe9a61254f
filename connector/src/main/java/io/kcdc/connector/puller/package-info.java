/**
 * The puller: subscribes each physical table span on TiKV's ChangeData EventFeed streams (multiplexed where the
 * store supports it), divides spans by region, matches prewrites with commits, tracks each range's resolved ts,
 * resolves the locks of lagging regions and hands committed entries to the task with backpressure. TiCDC's
 * counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/puller/multiplexing_puller.go">cdc/puller/multiplexing_puller.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/kv/shared_client.go">cdc/kv/shared_client.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/kv/matcher.go">cdc/kv/matcher.go</a> and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/kv/regionlock/region_range_lock.go">cdc/kv/regionlock/region_range_lock.go</a>;
 * docs/tikv-eventfeed.md and docs/lock-resolving.md hold the protocol facts.
 */
package io.kcdc.connector.puller;
