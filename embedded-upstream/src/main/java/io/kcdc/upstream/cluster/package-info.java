/**
 * The storage cluster: PD's region table and stores, the TiKV store servers, and fault injection (splits, merges,
 * leader moves, store restarts, stalled resolved ts) behind an admin HTTP endpoint, each fault visible on EventFeed
 * and in PD's answers the way a real cluster shows it. It stands for PD's region cache and TiKV's raftstore as a CDC
 * client sees them (docs/tikv-eventfeed.md#errors-and-what-ticdc-does-with-them).
 */
package io.kcdc.upstream.cluster;
