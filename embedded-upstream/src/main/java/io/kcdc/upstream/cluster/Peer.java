package io.kcdc.upstream.cluster;

/** A replica of a region on one store (metapb.Peer). */
public record Peer(long id, long storeId) {}
