package io.kcdc.upstream.kv;

/** A raw key and its value. */
public record KvPair(byte[] key, byte[] value) {}
