package io.kcdc.upstream.cluster;

/**
 * A TiKV store: its id, the address of its gRPC server (KV and ChangeData services) and the TiKV
 * version it reports to PD.
 */
public record StoreInfo(long id, String address, long startTimestampSeconds, String version) {}
