/**
 * The gRPC messages and services of PD, TiKV's KV reads and TiKV's ChangeData EventFeed, generated from the subset
 * of kvproto's .proto files in {@code src/main/proto} (field numbers and names as in kvproto, only the Java package
 * changed). The connector's clients and the embedded upstream's servers both speak them. They come from
 * <a href="https://github.com/pingcap/kvproto/tree/4a3e17f5e62dc3999e2c0f63293fdeffced80626/proto">kvproto at the commit TiCDC v8.5.0 pins</a>;
 * docs/pd-tikv-rpc.md and docs/tikv-eventfeed.md#the-protocol-kvproto-cdcpbproto say which RPCs are used.
 */
package io.kcdc.kvproto;
