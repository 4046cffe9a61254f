/**
 * The data path as the owner and the processor manager drive it on Kafka: a changefeed's internal topics, its source
 * connector's config, the progress tracker that turns the progress topic into checkpoints, the sink settings handed
 * to the Streams apps, this capture's Streams apps, the upstream PD client and the failover timeouts. TiCDC's
 * counterparts are the owner's changefeed ({@link io.kcdc.gateway.owner.ChangefeedRuntime} plays the part of
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/owner/changefeed.go">cdc/owner/changefeed.go</a>) and
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/processor/manager.go">cdc/processor/manager.go</a>;
 * docs/crash-recovery.md and docs/changefeed-lifecycle.md.
 */
package io.kcdc.capture.runtime;
