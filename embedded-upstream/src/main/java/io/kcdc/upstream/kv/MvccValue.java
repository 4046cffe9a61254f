package io.kcdc.upstream.kv;

/** A committed value as a snapshot read sees it, with the commit ts of its version. */
public record MvccValue(byte[] rawKey, byte[] value, long commitTs) {}
