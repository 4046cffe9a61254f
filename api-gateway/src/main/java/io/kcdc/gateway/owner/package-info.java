/**
 * The owner and the processor manager: while elected, the owner reconciles every changefeed's desired state with its
 * data path, persists checkpoints, moves changefeeds through TiCDC's state machine and keeps the service GC
 * safepoint ({@code GcManager}); on every capture the processor manager runs the local Streams
 * apps. TiCDC's counterparts are
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/owner/owner.go">cdc/owner/owner.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/owner/feed_state_manager.go">cdc/owner/feed_state_manager.go</a>,
 * <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/pkg/txnutil/gc/gc_manager.go">pkg/txnutil/gc/gc_manager.go</a>
 * and <a href="https://github.com/pingcap/tiflow/blob/v8.5.0/cdc/processor/manager.go">cdc/processor/manager.go</a>;
 * docs/changefeed-lifecycle.md describes states, transitions, backoff and GC safepoints.
 */
package io.kcdc.gateway.owner;
