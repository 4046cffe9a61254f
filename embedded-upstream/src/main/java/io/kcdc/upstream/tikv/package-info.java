/**
 * The TiKV store's gRPC services: the KV reads and lock-resolving RPCs, and ChangeData's EventFeed/EventFeedV2 with
 * incremental scans, live rows, batched resolved ts and injected stream faults, behaving as a chosen TiKV release
 * (7.1 to 8.5) does. It follows TiKV's
 * <a href="https://github.com/tikv/tikv/tree/v8.5.0/components/cdc">components/cdc</a> and
 * <a href="https://github.com/tikv/tikv/blob/v8.5.0/src/server/service/kv.rs">src/server/service/kv.rs</a>;
 * docs/tikv-eventfeed.md (and its section on how the embedded TiKV follows it) and docs/lock-resolving.md.
 */
package io.kcdc.upstream.tikv;
