package io.kcdc.upstream.cluster;

/** A TiKV store: its id and the address of its gRPC server (KV and ChangeData services). */
public record StoreInfo(long id, String address, long startTimestampSeconds) {}
