package io.kcdc.gateway.etcd;

/** A value read from etcd with the key's mod revision, for compare-and-swap updates. */
public record Versioned<T>(T value, long modRevision) {}
